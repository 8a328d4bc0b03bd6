package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/emit"
	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/schema"
)

type options struct {
	schema, pkg, out, base, basePkg, runtime string
	idempotent                               string // file listing the methods safe to resend
	redact                                   string // file listing the fields printing must hide
	strict                                   bool
	json                                     string // import path of the types package: emit its JSON table instead

	// allowIDs names the constructors whose ids are known not to match their CRC32: no
	// warning, no -strict failure (comma-separated; each must be a mismatch of the schema).
	allowIDs string
}

// dirWriter writes generated files into a directory (run removes stale *_gen*.go files first).
type dirWriter struct{ dir string }

// WriteFile implements emit.Writer.
func (w dirWriter) WriteFile(name string, src []byte) error {
	return os.WriteFile(filepath.Join(w.dir, name), src, 0o644)
}

func loadSchema(path string) (*schema.Schema, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return schema.Parse(path, string(src))
}

// generate parses and models the schema (and its base) and emits through w.
func generate(o options, w emit.Writer, warn io.Writer) error {
	if o.schema == "" || o.pkg == "" {
		return errors.New("-schema and -pkg are required")
	}
	var base *model.Package
	if o.base != "" {
		if o.basePkg == "" {
			return errors.New("-import-base needs -base-pkg")
		}
		bs, err := loadSchema(o.base)
		if err != nil {
			return err
		}
		base, err = model.Build(o.basePkg[strings.LastIndexByte(o.basePkg, '/')+1:], bs, nil)
		if err != nil {
			return err
		}
	}
	s, err := loadSchema(o.schema)
	if err != nil {
		return err
	}
	p, err := model.Build(o.pkg, s, base)
	if err != nil {
		return err
	}
	if err := readList(o.idempotent, func(src string) error {
		names, err := model.ParseMethodList(o.idempotent, src)
		if err != nil {
			return err
		}
		return p.MarkIdempotent(o.idempotent, names)
	}); err != nil {
		return err
	}
	if err := readList(o.redact, func(src string) error {
		list, err := model.ParseRedactList(o.redact, src)
		if err != nil {
			return err
		}
		return p.MarkSecret(o.redact, list)
	}); err != nil {
		return err
	}
	warns, err := allowMismatches(p.Warns, o.allowIDs)
	if err != nil {
		return err
	}
	for _, w := range warns {
		fmt.Fprintln(warn, "warning:", w)
	}
	if o.strict && len(warns) > 0 {
		return fmt.Errorf("%d constructor id mismatches", len(warns))
	}
	if o.json != "" {
		return emit.EmitJSON(p, emit.JSONConfig{Package: o.pkg, RuntimeImport: o.runtime, TypesImport: o.json, BaseImport: o.basePkg, Generator: "tlgen"}, w)
	}
	cfg := emit.Config{RuntimeImport: o.runtime, BaseImport: o.basePkg, Generator: "tlgen"}
	return emit.Emit(p, cfg, w)
}

// readList hands the text of the list file at path to apply; an empty path names no list.
func readList(path string, apply func(src string) error) error {
	if path == "" {
		return nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return apply(string(src))
}

// allowMismatches returns the id mismatches in warns that list (-allow-id-mismatch, names
// separated by commas) does not name. A listed name that is no mismatch of the schema is an
// error, so the list cannot outlive the reason for an entry, nor hide a typo.
func allowMismatches(warns []error, list string) ([]error, error) {
	allowed := map[string]bool{}
	for name := range strings.SplitSeq(list, ",") {
		if name = strings.TrimSpace(name); name != "" {
			allowed[name] = false
		}
	}
	var rest []error
	for _, w := range warns {
		var m *schema.IDMismatch
		if errors.As(w, &m) {
			if _, ok := allowed[m.Name]; ok {
				allowed[m.Name] = true
				continue
			}
		}
		rest = append(rest, w)
	}
	var stale []string
	for name, used := range allowed {
		if !used {
			stale = append(stale, name)
		}
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		return nil, fmt.Errorf("-allow-id-mismatch: no id mismatch of %s in the schema", strings.Join(stale, ", "))
	}
	return rest, nil
}

func run(o options, warn io.Writer) error {
	if o.out == "" {
		return errors.New("-out is required")
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(o.out, "*_gen*.go"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	return generate(o, dirWriter{o.out}, warn)
}
