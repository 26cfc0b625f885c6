// Package web is the browser UI: plain HTML, CSS and ES modules embedded in
// the binary, served at / and /assets/ with a strict Content-Security-Policy.
// The UI talks only to the JSON API with the API key the user pastes in.
package web
