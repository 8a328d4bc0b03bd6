// Command tlgen generates Go code for a TL schema: one struct per constructor and function,
// interfaces for abstract types, a registry, typed RPC helpers and round-trip tests.
//
// Usage (see tl/gen.go):
//
//	tlgen -schema schema/api.tl -pkg tg -out tg -import-base schema/mtproto.tl -base-pkg <path of mt>
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	var o options
	flag.StringVar(&o.schema, "schema", "", "TL schema file to generate from")
	flag.StringVar(&o.pkg, "pkg", "", "Go package name")
	flag.StringVar(&o.out, "out", "", "output directory (created if missing)")
	flag.StringVar(&o.base, "import-base", "", "schema whose names the package re-exports (optional)")
	flag.StringVar(&o.basePkg, "base-pkg", "", "import path of the package generated from -import-base")
	flag.StringVar(&o.runtime, "runtime", "github.com/mtgo-labs/mtgo/tl", "import path of the TL runtime")
	flag.StringVar(&o.idempotent, "idempotent", "", "file of method names safe to resend after a connection cut (optional)")
	flag.StringVar(&o.redact, "redact", "", "file of \"constructor field # why\" lines: fields that printing (fmt, slog, encoding/json) shows redacted (optional)")
	flag.StringVar(&o.json, "json", "", "import path of the package generated from -schema: write its JSON table (package -pkg) instead of the types")
	flag.BoolVar(&o.strict, "strict", false, "fail on constructor id mismatches instead of warning")
	flag.StringVar(&o.allowIDs, "allow-id-mismatch", "", "comma-separated constructors whose ids are known not to match their CRC32 (no warning, no -strict failure; each must mismatch)")
	flag.Parse()
	if err := run(o, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tlgen:", err)
		os.Exit(1)
	}
}
