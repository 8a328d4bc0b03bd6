package sqlite

// Synchronous is the synchronous pragma of the connections Open makes next (BenchmarkSync
// compares FULL with NORMAL).
var Synchronous = &synchronous
