module github.com/gotd/td/mtgobench

go 1.26.8
