package model

// unbounded is the minimal wire size of a type no finite encoding reaches (a required field
// cycle, which checkFinite rejects): large enough that any vector count of it exceeds the bytes
// left, small enough that count*size cannot overflow an int64.
const unbounded = 1 << 24

// minSizes computes the fewest bytes each constructor's fields and each class take on the wire,
// as a least fixed point: every size starts unbounded and only shrinks, so recursive types
// settle once the shortest way out of the recursion is known.
func (b *builder) minSizes() {
	structs := b.pkg.Structs
	for _, st := range structs {
		st.minBare = unbounded
	}
	for _, c := range b.pkg.Classes {
		c.minWire = unbounded
	}
	for changed := true; changed; {
		changed = false
		for _, st := range structs {
			if st.Func {
				continue
			}
			if n := st.fieldsWire(); n < st.minBare {
				st.minBare, changed = n, true
			}
		}
		for _, c := range b.pkg.Classes {
			for _, st := range c.Ctors {
				if n := 4 + st.minBare; n < c.minWire {
					c.minWire, changed = n, true
				}
			}
		}
	}
}

// checkFinite rejects constructors no finite encoding reaches: every value needs another
// through its required fields (loop self:Loop = Loop). Nothing could be sent or received as
// one, and the generated round-trip test could not build a value without endless recursion.
func (b *builder) checkFinite() {
	for _, st := range b.pkg.Structs {
		if !st.Func && st.minBare >= unbounded {
			b.errf(st.Pos, "%s has no finite encoding: each value needs another through its required fields", st.TLName)
		}
	}
}

// fieldsWire sums the minimal wire sizes of the fields: a flags word takes 4 bytes, a field
// under a flag none.
func (s *Struct) fieldsWire() int {
	n := 0
	for _, f := range s.Params {
		switch {
		case f.FlagsWord:
			n += 4
		case !f.Optional():
			n += MinWire(f.Type)
		}
	}
	return min(n, unbounded)
}

// MinWire returns the fewest bytes a value of type t takes on the wire: the constructor id
// (unless bare) and the minimal form of every required field. Vector decoders divide the bytes
// left by it to bound an element count before they allocate.
func MinWire(t *Type) int {
	switch t.Kind {
	case KInt, KString, KBytes, KBool, KQuery, KObject:
		return 4 // a string is at least its length byte and padding
	case KLong, KDouble:
		return 8
	case KInt128:
		return 16
	case KInt256:
		return 32
	case KTrue:
		return 0
	case KVector:
		if t.Bare {
			return 4
		}
		return 8
	case KStruct:
		n := t.Struct.minBare
		if !t.Bare {
			n += 4
		}
		return min(n, unbounded)
	case KClass:
		return t.Class.minWire
	}
	return 4
}
