package main

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mtgo-labs/mtgo/tl/tgjson"
)

func (a *app) invokeCmd() *cobra.Command {
	var indent bool
	cmd := &cobra.Command{
		Use:   "invoke <method> [json|-]",
		Short: "Call any API method by its schema name with JSON parameters; print the answer as JSON",
		Long: `Call any method of the API schema (layer ` + fmt.Sprint(tgjson.Layer) + `) by its TL name with its parameters as a
JSON object, and print the answer as JSON. Names are as in the schema: "_" names a
constructor, fields are snake_case, long values are strings, bytes are base64, flags are
implied by the fields given. - reads the parameters from stdin.

  mtgo invoke help.getConfig
  mtgo invoke users.getUsers '{"id":[{"_":"inputUserSelf"}]}'
  mtgo invoke messages.getHistory '{"peer":{"_":"inputPeerSelf"},"limit":10}'
  mtgo invoke --schema messages.sendMessage     print the method's fields and result type`,
		Args: cobra.RangeArgs(1, 2),
		ValidArgsFunction: func(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, n := range tgjson.Names(true) {
				if strings.HasPrefix(n, prefix) {
					out = append(out, n)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if schema, _ := cmd.Flags().GetBool("schema"); schema {
				in, ok := tgjson.Lookup(args[0])
				if !ok {
					return usagef("%q is not in the schema", args[0])
				}
				return a.printJSON(in)
			}
			var params []byte
			if len(args) == 2 {
				params = []byte(args[1])
				if args[1] == "-" {
					b, err := io.ReadAll(io.LimitReader(a.in, 64<<20))
					if err != nil {
						return fmt.Errorf("reading stdin: %w", err)
					}
					params = b
				}
			}
			params, err := fillRandomID(args[0], params)
			if err != nil {
				return usageError{err}
			}
			// Check the parameters before connecting: a typo is a usage error.
			if _, err := tgjson.Method(args[0], params); err != nil {
				return usageError{err}
			}
			c, err := a.authorized(cmd.Context(), nil)
			if err != nil {
				return err
			}
			defer c.Stop()
			out, err := c.InvokeJSON(cmd.Context(), args[0], params)
			if err != nil {
				return err
			}
			if indent {
				var buf bytes.Buffer
				if err := json.Indent(&buf, out, "", "  "); err == nil {
					out = buf.Bytes()
				}
			}
			_, err = fmt.Fprintf(a.out, "%s\n", out)
			return err
		},
	}
	cmd.Flags().BoolVar(&indent, "indent", false, "indent the JSON answer")
	cmd.Flags().Bool("schema", false, "print the method's description instead of calling it")
	return cmd
}

// fillRandomID gives a method with a random_id field a fresh random value when params leave it
// out, as every client does (messages.sendMessage and the like refuse a repeated one): a long
// or an int as the field holds, and for a vector (messages.forwardMessages) one long per
// element of id. A random_id of bytes (sponsored messages) names data and is left to the
// caller, as is a vector whose id is missing.
func fillRandomID(method string, params []byte) ([]byte, error) {
	in, ok := tgjson.Lookup(method)
	if !ok || !slices.Contains(in.Fields, "random_id") {
		return params, nil
	}
	kind := randomIDKind(method)
	if kind == reflect.Invalid {
		return params, nil
	}
	m := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(params)) > 0 && string(bytes.TrimSpace(params)) != "null" {
		if err := json.Unmarshal(params, &m); err != nil {
			return nil, fmt.Errorf("%s: parameters must be a JSON object: %w", method, err)
		}
	}
	if _, ok := m["random_id"]; ok {
		return params, nil
	}
	var v any
	switch kind {
	case reflect.Int64:
		v = strconv.FormatInt(randomNonZero(), 10)
	case reflect.Int32:
		v = int32(randomNonZero())
	case reflect.Slice:
		var ids []json.RawMessage
		if err := json.Unmarshal(m["id"], &ids); err != nil || len(ids) == 0 {
			return params, nil // the method's own check names what is wrong
		}
		list := make([]string, len(ids))
		for i := range list {
			list[i] = strconv.FormatInt(randomNonZero(), 10)
		}
		v = list
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	m["random_id"] = raw
	return json.Marshal(m)
}

// randomIDKind returns what the random_id field of method holds: reflect.Int64, reflect.Int32,
// reflect.Slice for a vector of longs, or reflect.Invalid for anything the command does not
// fill.
func randomIDKind(method string) reflect.Kind {
	obj, ok := tgjson.New(method)
	if !ok {
		return reflect.Invalid
	}
	v := reflect.Indirect(reflect.ValueOf(obj))
	if v.Kind() != reflect.Struct {
		return reflect.Invalid
	}
	f, ok := v.Type().FieldByName("RandomID")
	if !ok {
		return reflect.Invalid
	}
	switch t := f.Type; {
	case t.Kind() == reflect.Int64, t.Kind() == reflect.Int32:
		return t.Kind()
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Int64:
		return reflect.Slice
	}
	return reflect.Invalid
}

// randomNonZero returns a random value other than 0 whose low 32 bits are not 0 either, so
// it serves an int field as well (Telegram refuses an empty random_id).
func randomNonZero() int64 {
	var b [8]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
		if v := int64(binary.LittleEndian.Uint64(b[:])); int32(v) != 0 {
			return v
		}
	}
}
