// Package teletest is an in-process Telegram for tests: a cluster of data centers on loopback
// TCP (and WebSocket) that speaks real MTProto, built from MTGo's own cores, in front of the
// in-memory world of package world and the method handlers of package services.
//
// Start a cluster, point any MTProto client at its addresses with its public key, and steer it
// from the test:
//
//	cl, err := teletest.Start(teletest.Config{DCs: 3})
//	...
//	defer cl.Close()
//	bot, _ := cl.World().CreateBot(world.BotSpec{FirstName: "Bot", Username: "echo_bot"})
//	// connect a client to cl.Addr(2) trusting cl.PublicKeys(), log in with bot.Token
//	cl.Faults().FloodWait(tg.MessagesSendMessageRequestTypeID, 3, 1)
//
// With Config.CDN the cluster also runs a CDN data center (DC 203 by default) with its own RSA
// key, as Telegram does: the master redirects the files chosen with Cluster.CDN().Serve
// (upload.fileCdnRedirect), the CDN answers only upload.getCdnFile and ping, and needs no
// authorization; help.getConfig lists its address with the cdn flag and help.getCdnConfig its
// key:
//
//	cl, err := teletest.Start(teletest.Config{CDN: &teletest.CDNConfig{}})
//	...
//	cl.CDN().Serve(doc.ID)          // downloads of doc now go through the CDN
//	cl.CDN().Tamper(doc.ID, 1<<20)  // and one of its blocks is served corrupted
//
// or let a Scenario run clients for you (teletest.New(t) is the one-line start of a bot's
// test; see "Testing your bot" in the README):
//
//	s := teletest.NewScenario(t, teletest.Config{})
//	alice, bot := s.User("alice"), s.Bot("echo_bot")
//	alice.Send(bot, "hello")
//	bot.Expect(teletest.Text("hello").From(alice))
//
// # Files
//
//	cluster.go    Config, Start, Cluster: data centers, world, dispatcher, RSA key, clock
//	cdn.go        CDNConfig, the CDN data center: its key, address, method filter
//	server.go     Server: one data center's listeners, accept loop, transport detection
//	memnet.go     Config.InMemory: Cluster.Dialer over in-memory pipes (testing/synctest)
//	conn.go       conn: the loop owning one connection (packets, requests, updates, timers)
//	exchange.go   keyExchange: server key-exchange steps driven per unencrypted packet
//	keys.go       keyStore: a data center's auth keys, salts, temp-key bindings, layers
//	sessions.go   sessionTable: MTProto sessions that outlive connections, take-over
//	bind.go       auth.bindTempAuthKey
//	dispatch.go   innerMethod: the method inside invokeWithLayer and other wrappers
//	layer.go      answers re-encoded for the client's layer; layer 170 (gotd/td v0.93.0)
//	layer227.go   layer 227 served from its schema (layers/227/api.tl); other layers refused
//	compat.go     layer 170 requests upgraded
//	faults.go     Faults: fault injection
//	scenario.go   Scenario, Actor, Group, Channel, Someone, Match, Message
//	kit.go        New and the testing kit for users' bots (BotAccount, Click, ExpectEdit, ...)
package teletest
