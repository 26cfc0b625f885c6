package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// envPrefix starts every environment variable that overrides a config key:
// INSTANTTRANSCRIBER_ followed by the key's YAML path, upper-cased, with
// dots as underscores (INSTANTTRANSCRIBER_SERVER_ADDR).
const envPrefix = "INSTANTTRANSCRIBER_"

// configLeaf is one settable key of Config: its dotted YAML path and its
// field index.
type configLeaf struct {
	path  string
	index []int
	typ   reflect.Type
}

// envName is the environment variable that overrides l.
func (l configLeaf) envName() string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(l.path, ".", "_"))
}

// configLeaves lists every key of Config, in declaration order.
func configLeaves() []configLeaf {
	var leaves []configLeaf
	var walk func(t reflect.Type, path string, index []int)
	walk = func(t reflect.Type, path string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			p, idx := joinPath(path, yamlName(f)), append(append([]int(nil), index...), i)
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, p, idx)
				continue
			}
			leaves = append(leaves, configLeaf{path: p, index: idx, typ: f.Type})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return leaves
}

// applyEnv sets the keys named by INSTANTTRANSCRIBER_* variables in environ.
// Other variables, including unknown INSTANTTRANSCRIBER_* ones such as
// INSTANTTRANSCRIBER_MODEL (read by the CLI), are ignored. When a variable
// appears more than once the last one wins.
func (c *Config) applyEnv(environ []string) error {
	env := make(map[string]string)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, envPrefix) {
			env[k] = v
		}
	}
	if len(env) == 0 {
		return nil
	}
	root := reflect.ValueOf(c).Elem()
	for _, l := range configLeaves() {
		name := l.envName()
		s, ok := env[name]
		if !ok {
			continue
		}
		if err := setFromString(root.FieldByIndex(l.index), s); err != nil {
			return fmt.Errorf("config: %s: %w", name, err)
		}
	}
	return nil
}

// setFromString parses s into v by v's type.
func setFromString(v reflect.Value, s string) error {
	switch v.Type() {
	case reflect.TypeFor[time.Duration]():
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 30s or 4h", s)
		}
		v.SetInt(int64(d))
		return nil
	case reflect.TypeFor[ByteSize]():
		b, err := ParseByteSize(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(b))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(n)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}
