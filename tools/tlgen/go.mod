module github.com/mtgo-labs/mtgo/tools/tlgen

go 1.26.8
