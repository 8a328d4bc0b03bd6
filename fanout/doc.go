// Package fanout runs one Telegram account's updates past one process over NATS JetStream.
//
// A Gateway owns the account's update engine: set it as the client's dispatcher and every
// update the engine orders (with the users and chats that came with it, TL-encoded) is
// published to a JetStream stream. The engine saves its update state only after the stream
// acknowledged the batch (mtgo.CommitDispatcher), so a gateway that dies before the
// acknowledgement delivers the batch again when it (or a standby) resumes. Every message
// carries Nats-Msg-Id = mtgo.UpdateKey (a new message's id, else pts, qts or channel and
// pts, else a hash of the update: the same whether the update was pushed or fetched by
// getDifference), so the stream drops what a resumed gateway publishes twice within the
// duplicate window (Config.Duplicates).
//
// Subjects are sharded by chat (<Subject>.<shard>): one chat's updates go to one shard, in
// order. Each shard has a durable pull consumer with at most one unacknowledged message, so
// a shard's updates are handled one at a time, in order, by whichever Worker pulled it;
// different shards run in parallel on every worker.
//
// A Worker runs a NoUpdates client's handlers (the same filters, groups and Context as a
// single process) on the consumed updates and acknowledges each once its handlers
// returned. Workers make their calls over their own connections with the shared
// authorization, so replies never pass through the gateway.
//
// # Delivery guarantees
//
// In the normal case a handler sees each update once. Across a crash it is at least once: a
// worker that dies after its handlers ran but before the acknowledgement reached the server
// has the update redelivered (after Config.AckWait) to another worker, which runs the
// handlers again. Handlers whose effects must happen once record Context.UpdateKey, the same
// key for every delivery of an update. A shard's order holds across crashes too: nothing
// after the unacknowledged update is delivered before it. Order inside one shard across
// chats is the stream's order; a publish that failed and was retried while later updates of
// the same batch succeeded is the one case that can reorder (the stream lost its leader mid
// batch).
//
// # Failover
//
// Only one gateway may run the engine of an account. AcquireSession opens the shared store
// (storage/postgres, storage/redis), waiting while another process holds the session lock
// (storage.ErrSessionInUse); a standby gateway blocks there and takes over when the
// holder's lock frees, resuming from the update state the holder committed.
package fanout
