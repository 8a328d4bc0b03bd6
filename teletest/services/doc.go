// Package services implements the Telegram API methods of the MTGo test server: one handler
// per TL function that decodes nothing itself (the request arrives decoded), acts on the
// in-memory world (package world) and returns a tg result or an rpc_error.
//
// # Boundary with the network layer
//
// The network side (package teletest) owns sockets, the key exchange and the encrypted
// session. For every content message it decoded it calls
//
//	d.Handle(ctx, caller, req)        // req: tl.Object, e.g. from DecodeRequestWith
//	d.HandleBytes(ctx, caller, body)  // or straight from the message body
//
// and sends back rpc_result with the returned tl.Encoder, or rpc_error built from
// AsRPCError(err, log). Handle never blocks on anything but the world's lock and never
// panics; an unknown method answers ErrMethodNotImplemented (400 METHOD_NOT_IMPLEMENTED),
// never a hang. Use WithMsgID(ctx, msgID) so ping can fill pong.msg_id.
//
// A connection should keep one tl.Buffer and decode with DecodeRequestWith(&buf, body): the
// tl runtime then batches decode allocations across requests (about 20x fewer bytes for a
// small request than a fresh Buffer each time).
//
// Results are layer 228 values. Caller.Layer tells which layer the client announced; adapting
// results for older layers (for example channels.joinChannel, which answers
// messages.chatInviteJoinResultOk in layer 228 but plain Updates in older layers) is the
// network layer's job.
//
// A *Caller is created by the network layer once per connection with DC, AuthKeyID and
// SessionID filled; the services record the layer and initConnection data on it. The login
// lives in the world, bound to the auth key, so connections sharing a key share the account.
//
// Updates: for each connection the network layer calls
//
//	sub := d.World().Subscribe(caller.AuthKeyID)
//	defer sub.Close()
//	for { select { case <-sub.Ready(): for _, u := range sub.Take() { send(u) } ... } }
//
// The world queues updates (tg.UpdatesClass: updateShortMessage, updateShortChatMessage,
// updates with updateNewChannelMessage, ...) for every authorized key of the accounts they
// concern, except the key whose request caused them (that one gets them in its result).
//
// Cluster addresses: the network layer calls d.SetDCs once it knows its listeners; they are
// listed by help.getConfig.
//
// # Fault injection
//
//   - d.InjectError(methodID, err, times): FLOOD_WAIT_X (world.FloodWait), *_MIGRATE_X
//     (world.Migrate) or any rpc_error for chosen methods; wrappers are transparent.
//   - d.Use(middleware): anything else (delays are the network layer's business: the
//     dispatcher itself never sleeps).
//   - world.Withhold / Release(reversed) / DropUpdates: hold, reorder or drop pushed updates
//     per account to create pts gaps.
//   - world.ExpireFileReference, world.MoveFile: FILE_REFERENCE_EXPIRED and FILE_MIGRATE_X.
package services

func (d *Dispatcher) registerAll() {
	d.registerCore()
	d.registerMethods()
	d.registerBots()
	d.registerBotPay()
	d.registerBusiness()
	d.registerBusinessAccount()
	d.registerAccount()
	d.registerSend() // after registerMethods: replaces its plain sendMessage and sendMedia
	d.registerHistory()
	d.registerGroupCalls()
	d.registerWebFiles()
	d.registerStickerSets()
	d.registerEmoji()   // messages.getAvailableReactions, getCustomEmojiDocuments
	d.registerChats()   // after registerMethods: replaces its getDialogs and exportChatInvite
	d.registerSecret()  // messages.getDhConfig, requestEncryption, sendEncrypted...
	d.registerStories() // last: keeps the earlier payment form handlers for non-gift invoices
}
