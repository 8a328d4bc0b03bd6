// Package types holds the high-level values a Client hands to handlers: Message, User and
// Chat, built from the raw tl/tg objects with the fields a bot needs.
//
// Values built by a client are bound to it, so Message.Reply, Message.Edit and
// Message.Delete work directly; values built any other way return ErrContextNoClient from
// those methods.
package types
