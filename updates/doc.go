// Package updates turns Telegram's update stream into a complete, ordered stream of update
// batches for a dispatcher, across gaps, reconnects, restarts and long downtime.
//
// The package has two layers:
//
//   - Box is the core: a plain state machine with no goroutines, clocks or sockets. It takes
//     update containers, difference answers and timer ticks (each with the current time) and
//     returns an Output: batches to deliver, requests to make (updates.getState,
//     updates.getDifference, updates.getChannelDifference) and observability events. Its
//     NextDeadline tells the caller when to call OnTimer.
//   - Manager is the loop: it owns a Box, keeps one timer set to Box.NextDeadline, makes the
//     requests through an API, hands batches to a Handler and persists state through a Store.
//     Its goroutine runs only while there is work: an idle Manager costs a timer, not a
//     goroutine (Start; Run is Start and a wait).
//
// # Sequences
//
// The Box tracks the account's pts and qts sequences, the seq of update containers and one pts
// per channel, following Telegram's rules: an update carrying (pts, pts_count) is applied when
// local+pts_count == pts, ignored as a duplicate when local+pts_count > pts, and held when
// local+pts_count < pts. A held update waits Config.GapWait (0.5 s by default) for the updates
// before it; if they do not arrive, the gap is recovered with getDifference (account sequences)
// or getChannelDifference (one channel). The same rule with a count of one applies to qts, and
// to seq with seq_start of the container.
//
// # Guarantee: exactly once inside a run, at least once across crashes
//
// Inside one run of a Box every sequenced update (one with pts or qts) is delivered exactly once
// and in sequence order. Each Delivery carries the Commit that becomes true once its batch has
// been handled; the Manager writes it to the Store only after the Handler returned for that
// batch. A crash between the Handler's return and the Store write therefore delivers that batch
// again after a restart (at least once at the boundary) instead of never; nothing is skipped.
// Updates without a sequence number (user status, typing and similar) carry no such guarantee:
// Telegram does not resend them. They are delivered in the order they arrive, except that one
// arriving while the account's difference is in flight waits for it: it comes after the
// updates the difference brings (which may be older than it), in arrival order with the
// account updates held meanwhile; it waits at most Config.UnsequencedWait (5 s; a negative
// value turns the wait off), and goes at once if the call fails.
package updates
