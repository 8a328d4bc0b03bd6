package peers

import "github.com/mtgo-labs/mtgo/tl/tg"

// Entities returns the users and chats an object carries, for Learn. It is tg.Entities, which
// tlgen generates from the schema: every constructor with users or chats fields, their Box
// wrappers, Vector<User> results, and single users, chats or slices of them.
func Entities(obj any) (users []tg.UserClass, chats []tg.ChatClass) { return tg.Entities(obj) }
