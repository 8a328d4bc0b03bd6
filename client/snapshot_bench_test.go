package mtgo_test

import "testing"

// BenchmarkDiagnostics measures what a monitor polling every second pays, on a connected bot.
func BenchmarkDiagnostics(b *testing.B) {
	cl := cluster(b)
	c, _ := e2eBot(b, cl, "bench_diag_bot")
	b.Run("Health", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.Health()
		}
	})
	b.Run("ConnectionSnapshot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.ConnectionSnapshot()
		}
	})
	b.Run("LoadSnapshot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.LoadSnapshot()
		}
	})
}
