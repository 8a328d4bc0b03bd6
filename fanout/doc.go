// Package fanout runs one Telegram account's updates past one process over NATS JetStream.
//
// A Gateway owns the account's update engine: set it as the client's dispatcher and every
// update the engine orders (with the users and chats that came with it and that it names,
// TL-encoded) is published to a JetStream stream. The engine saves its update state only
// after the stream acknowledged the updates (mtgo.CommitDispatcher; with DeferCommits the
// engine goes on while the store holds each commit back until the publishes before it are
// acknowledged), so a gateway that dies before the acknowledgement delivers them again when
// it (or a standby) resumes.
//
// Subjects are sharded by chat (<Subject>.<shard>): one chat's updates go to one shard, in
// order. A shard has one message in flight at a time; its updates that arrive meanwhile are
// packed into its next message (up to Config.MaxBatch), so a busy shard costs few publishes
// and deliveries and an idle one publishes at once. A message of one update carries
// Nats-Msg-Id = mtgo.UpdateKey (a new message's id, else pts, qts or channel and pts, else a
// hash of the update: the same whether the update was pushed or fetched by getDifference),
// one of several a key of its first and last updates; the stream drops a message published
// twice within Config.Duplicates, and a resumed gateway drops the updates it finds among
// the stream's last Config.MaxPending messages.
//
// Each shard has a durable pull consumer with at most one unacknowledged message, so a
// shard's updates are handled in order by whichever Worker pulled the message; different
// shards run in parallel on every worker.
//
// A Worker runs a NoUpdates client's handlers (the same filters, groups and Context as a
// single process) on the consumed updates and acknowledges each message once its handlers
// returned for all of its updates. Workers make their calls over their own connections with
// the shared authorization, so replies never pass through the gateway.
//
// # Delivery guarantees
//
// In the normal case a handler sees each update once. Across a crash it is at least once: a
// worker that dies after its handlers ran but before the acknowledgement reached the server
// has the message redelivered (after Config.AckWait) to another worker, which runs the
// handlers again on all of its updates. Handlers whose effects must happen once record
// Context.UpdateKey, the same key for every delivery of an update. A shard's order holds
// across crashes too: nothing after the unacknowledged message is delivered before it, and
// a failed publish is repeated before the shard's next message is sent. Order inside one
// shard across chats is the stream's order.
//
// # Oversized updates
//
// An update too large for any message (the server's max_payload, 1 MiB by default, or the
// stream's max_msg_size) is published sizeTries (3) times with the usual backoff, which
// spans only about 150 ms, then dropped: logged at error level without its content,
// counted in GatewayStats.Dropped and handed to Config.OnDrop. OnDrop runs on the shard's
// publishing goroutine; a DispatchCommit or Dispatch from inside it would wait for that
// goroutine, so it fails at once with ErrDispatchInOnDrop (nothing is queued). A goroutine
// that OnDrop starts and waits for is not recognised and still deadlocks the shard.
//
// # Failover
//
// Only one gateway may run the engine of an account. AcquireSession opens the shared store
// (storage/postgres, storage/redis), waiting while another process holds the session lock
// (storage.ErrSessionInUse); a standby gateway blocks there and takes over when the
// holder's lock frees, resuming from the update state the holder committed.
package fanout
