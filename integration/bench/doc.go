// Package mtgobench holds side-by-side benchmarks of MTGo against github.com/gotd/td.
//
// The module path starts with github.com/gotd/td/ only so that the go command lets these
// benchmarks import gotd's internal packages (its crypto, codec and mtproto code). Nothing here
// is a library: no MTGo module imports this one, so gotd never becomes a dependency of MTGo.
package mtgobench
