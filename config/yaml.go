package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// checkNode checks n against t: mappings for structs with only known keys,
// and leaves that decode into their field's type.
func checkNode(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.ShortTag() == "!!null" {
		return nil // keeps the defaults
	}
	if t.Kind() == reflect.Struct {
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: %s: expected a mapping", n.Line, orTop(path))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" { // merge key: left to the decoder
				continue
			}
			sub := joinPath(path, k.Value)
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				return fmt.Errorf("line %d: unknown key %q", k.Line, sub)
			}
			if err := checkNode(v, f.Type, sub); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %s: expected %s", n.Line, path, describe(t))
	}
	if t.Kind() == reflect.Int || (t.Kind() == reflect.Int64 && t != reflect.TypeFor[time.Duration]()) {
		if n.ShortTag() == "!!float" {
			return fmt.Errorf("line %d: %s: %q is not a whole number", n.Line, path, n.Value)
		}
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		if _, ok := errors.AsType[*yaml.TypeError](err); ok {
			return fmt.Errorf("line %d: %s: %q is not %s", n.Line, path, n.Value, describe(t))
		}
		return fmt.Errorf("line %d: %s: %w", n.Line, path, err)
	}
	return nil
}

func orTop(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); yamlName(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// describe names what a value of type t looks like, for error messages.
func describe(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[time.Duration]():
		return "a duration such as 30s or 4h"
	case reflect.TypeFor[ByteSize]():
		return "a size such as 1073741824 or 1GiB"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}
