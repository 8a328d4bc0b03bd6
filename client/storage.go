package mtgo

import (
	"github.com/mtgo-labs/mtgo/client/storage"
)

// Storage keeps what the client must remember between runs: sessions per data center, the
// home data center, the logged-in identity, the peer cache and the update state. It is
// storage.Storage; package client/storage provides the in-memory and file implementations.
type Storage = storage.Storage

// ErrSessionInUse reports a session file held by another running client (the storage
// module's sentinel): two clients on one auth key would make Telegram revoke it.
var ErrSessionInUse = storage.ErrSessionInUse
