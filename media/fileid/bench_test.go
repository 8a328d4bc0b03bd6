package fileid

import "testing"

// BenchmarkEncode measures the ids a message's media make on demand.
func BenchmarkEncode(b *testing.B) {
	l := kinds[4].loc // a photo size with a file reference
	b.Run("file id", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = MustEncode(l)
		}
	})
	b.Run("unique id", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = UniqueID(l)
		}
	})
	id := MustEncode(l)
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = Decode(id)
		}
	})
}
