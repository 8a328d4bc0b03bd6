module github.com/mtgo-labs/mtgo/tl

go 1.26.8
