package emit_test

import (
	"fmt"
	"go/format"
	"maps"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/emit"
	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/schema"
)

// memWriter keeps generated files in memory; the tlgen command writes them to its -out
// directory instead.
type memWriter map[string][]byte

func (m memWriter) WriteFile(name string, src []byte) error {
	m[name] = src
	return nil
}

// The three stages the tlgen command runs, on a tiny schema: parse the TL text, model it as a
// Go package, and emit gofmt'd source files through a Writer. From the command line the same is
//
//	go run github.com/mtgo-labs/mtgo/tools/tlgen -schema shapes.tl -pkg shapes -out shapes
func Example() {
	const tl = `
boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;

point#1a13f5b9 x:double y:double = Point;
shapeEmpty#ee6970fb = Shape;
shapeCircle#880bc6d3 center:Point radius:double = Shape;

---functions---

getShapes#077c82d2 ids:Vector<int> = Vector<Shape>;
`
	s, err := schema.Parse("shapes.tl", tl)
	if err != nil {
		panic(err)
	}
	pkg, err := model.Build("shapes", s, nil)
	if err != nil {
		panic(err)
	}
	files := memWriter{}
	err = emit.Emit(pkg, emit.Config{RuntimeImport: "github.com/mtgo-labs/mtgo/tl", Generator: "tlgen"}, files)
	if err != nil {
		panic(err)
	}

	// Every file is valid, formatted Go.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		formatted, err := format.Source(files[name])
		fmt.Println(name, err == nil && string(formatted) == string(files[name]))
	}

	// One struct per constructor, with the TL id it encodes.
	src := string(files["tl_types_gen.go"])
	start := strings.Index(src, "// ShapeCircle is")
	end := strings.Index(src, "const ShapeCircleTypeID")
	end += strings.IndexByte(src[end:], '\n')
	fmt.Println(src[start:end])

	// A syntax error names its place in the schema.
	_, err = schema.Parse("bad.tl", "point#1a13f5b9 x:double y: = Point;")
	fmt.Println(err)

	// Output:
	// classes_gen.go true
	// client_gen.go true
	// methods_gen.go true
	// registry_gen.go true
	// results_gen.go true
	// roundtrip_gen_test.go true
	// tl_functions_gen.go true
	// tl_types_gen.go true
	// // ShapeCircle is the TL constructor shapeCircle#880bc6d3 (result Shape).
	// type ShapeCircle struct {
	// 	Center Point   // center
	// 	Radius float64 // radius
	// }
	//
	// // ShapeCircleTypeID is the constructor id of shapeCircle.
	// const ShapeCircleTypeID = 0x880bc6d3
	// bad.tl:1:28: expected a type name, found "="
}
