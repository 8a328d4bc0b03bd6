package tl

//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema schema/mtproto.tl -pkg mt -out mt -redact schema/mtproto.redact.txt
//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema schema/secret.tl -pkg e2e -out e2e -strict -allow-id-mismatch decryptedMessageMediaDocument46 -redact schema/secret.redact.txt
//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema schema/api.tl -pkg tg -out tg -import-base schema/mtproto.tl -base-pkg github.com/mtgo-labs/mtgo/tl/mt -idempotent schema/idempotent.txt -redact schema/api.redact.txt
//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema ../tools/tlgen/testdata/mini.tl -pkg mini -out internal/mini -idempotent ../tools/tlgen/testdata/mini.idempotent.txt -redact ../tools/tlgen/testdata/mini.redact.txt
//go:generate go run github.com/mtgo-labs/mtgo/tools/tlgen -schema schema/api.tl -pkg tgjson -out tgjson -import-base schema/mtproto.tl -base-pkg github.com/mtgo-labs/mtgo/tl/mt -json github.com/mtgo-labs/mtgo/tl/tg
