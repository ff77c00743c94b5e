//go:build ignore

// genembed writes the two JSON files that the provider wrapper embeds.
//
//	go run ./genembed/main.go SRC_DIR DST_DIR VERSION
//
// SRC_DIR holds schema.json and terraform-mapping.json (the directory of the
// upstream command inside the module cache). DST_DIR receives
// schema-embed.json (with "version" set to VERSION) and
// terraform-mapping-embed.json. Only the standard library is used.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: genembed SRC_DIR DST_DIR VERSION")
		os.Exit(2)
	}
	src, dst, version := os.Args[1], os.Args[2], os.Args[3]
	if err := run(src, dst, version); err != nil {
		fmt.Fprintln(os.Stderr, "genembed:", err)
		os.Exit(1)
	}
}

func run(src, dst, version string) error {
	raw, err := os.ReadFile(filepath.Join(src, "schema.json"))
	if err != nil {
		return err
	}
	var schema map[string]json.RawMessage
	if err := json.Unmarshal(raw, &schema); err != nil {
		return fmt.Errorf("schema.json: %w", err)
	}
	if _, ok := schema["name"]; !ok {
		return fmt.Errorf("schema.json has no name field")
	}
	v, err := json.Marshal(version)
	if err != nil {
		return err
	}
	schema["version"] = v
	out, err := json.Marshal(schema)
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(dst, "schema-embed.json"), out); err != nil {
		return err
	}

	raw, err = os.ReadFile(filepath.Join(src, "terraform-mapping.json"))
	if err != nil {
		return err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return fmt.Errorf("terraform-mapping.json: %w", err)
	}
	return writeIfChanged(filepath.Join(dst, "terraform-mapping-embed.json"), compact.Bytes())
}

// writeIfChanged keeps the file's mtime when the content is the same, which
// keeps the Go build cache warm across runs.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}
