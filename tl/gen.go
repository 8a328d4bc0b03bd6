package tl

//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema schema/mtproto.tl -pkg mt -out mt
//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema schema/secret.tl -pkg e2e -out e2e -strict -allow-id-mismatch decryptedMessageMediaDocument46
//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema schema/api.tl -pkg tg -out tg -import-base schema/mtproto.tl -base-pkg github.com/mtgo-labs/mtgo/tl/mt -idempotent schema/idempotent.txt
//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema ../tools/tlgen/testdata/mini.tl -pkg mini -out internal/mini -idempotent ../tools/tlgen/testdata/mini.idempotent.txt
//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema schema/api.tl -pkg tgjson -out tgjson -import-base schema/mtproto.tl -base-pkg github.com/mtgo-labs/mtgo/tl/mt -json github.com/mtgo-labs/mtgo/tl/tg
