package updates

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestIsNilEveryConstructor: isNil reads an interface's data word rather than using reflect
// (it runs once per update); this holds it to reflect's answer for every constructor of the
// schema, as the value itself, as a nil pointer of its type, and as a nil interface.
func TestIsNilEveryConstructor(t *testing.T) {
	schema, err := os.ReadFile("../tl/schema/api.tl")
	if err != nil {
		t.Skipf("schema not at hand: %v", err)
	}
	n := 0
	for _, m := range regexp.MustCompile(`(?m)^[a-zA-Z_.0-9]+#([0-9a-f]{1,8}) `).FindAllSubmatch(schema, -1) {
		id, err := strconv.ParseUint(string(m[1]), 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		obj := tg.NewObject(uint32(id))
		if obj == nil {
			continue
		}
		typedNil := reflect.Zero(reflect.TypeOf(obj)).Interface()
		if isNil(obj) || !isNil(typedNil) {
			t.Errorf("%s: isNil(value) = %v, isNil(nil %T) = %v", obj.TypeName(), isNil(obj), obj, isNil(typedNil))
		}
		if u, ok := typedNil.(tg.UpdateClass); ok && !isNil(u) {
			t.Errorf("isNil(UpdateClass(nil %T)) = false", obj)
		}
		n++
	}
	var u tg.UpdateClass
	var m tg.MessageClass
	if !isNil(nil) || !isNil(u) || !isNil(m) {
		t.Error("isNil of a nil interface = false")
	}
	if n < 1000 {
		t.Fatalf("only %d constructors checked", n)
	}
}
