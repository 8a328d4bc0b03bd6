// Package filters holds the common filters of handlers (mtgo.Filter): commands, regular
// expressions, chat kinds, direction, media kinds, senders and callback data, and And, Or and
// Not to combine them.
//
// A filter is a plain func(*mtgo.Context) bool, so the functions of this package without
// parameters (Private, Text, Photo, ...) are filters themselves and the others build one:
//
//	c.OnMessage(start, filters.Command("start"), filters.Private)
//	c.OnMessage(photos, filters.Or(filters.Photo, filters.Document))
//	c.OnCallbackQuery(pressed, filters.CallbackPrefix("vote:"))
//
// Filters that parse something store it in the Context for the handler: CommandOf returns the
// parsed command, MatchesOf the regular expression's matches. Filters make no network call
// and never block.
package filters
