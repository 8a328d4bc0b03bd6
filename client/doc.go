// Package mtgo is the user-facing Telegram client of MTGo.
//
// A [Client] owns one MTProto connection to its home data center (through the session
// module's run loop), a pool of per-DC sessions for files and migrations, the update engine,
// the peer cache and the storage that keeps all of it across restarts. Build one with
// [NewClient], register handlers with [Client.OnMessage], then [Client.Start] it (or
// [Client.Connect] and drive it yourself).
//
// Every layer is assembled by go.uber.org/fx from one module per layer (see [Module]); users
// who want to swap a layer pass fx options in [Config.FxOptions], everybody else never sees
// fx.
package mtgo
