package transport_test

import (
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// A codec is a framing core with no I/O: one side appends frames to a buffer, the other finds
// them again, asking for more bytes while a frame is incomplete.
func ExampleNewCodec() {
	client, err := transport.NewCodec(transport.Abridged, transport.CodecOptions{Side: transport.SideClient})
	if err != nil {
		panic(err)
	}
	server, err := transport.NewCodec(transport.Abridged, transport.CodecOptions{Side: transport.SideServer})
	if err != nil {
		panic(err)
	}

	// MTProto packets are whole 4-byte words.
	var stream []byte
	stream, _ = client.AppendFrame(stream, []byte("first packet"), false)
	stream, _ = client.AppendFrame(stream, []byte("second!!"), false)
	fmt.Println("stream bytes:", len(stream))

	// Only the first three bytes have arrived: the codec says how many it needs at least.
	_, need, err := server.NextFrame(stream[:3])
	fmt.Println("partial:", errors.Is(err, transport.ErrNeedMore), "need", need)

	for len(stream) > 0 {
		f, n, err := server.NextFrame(stream)
		if err != nil {
			panic(err)
		}
		fmt.Printf("frame %q (%d bytes on the wire)\n", f.Payload, n)
		stream = stream[n:]
	}

	// Output:
	// stream bytes: 22
	// partial: true need 13
	// frame "first packet" (13 bytes on the wire)
	// frame "second!!" (9 bytes on the wire)
}

// A client and a server connection over an in-memory pipe. The client picks intermediate framing
// inside obfuscated2; the server detects both from the first bytes it reads. (Padded intermediate
// trims its padding by the MTProto packet layout, so it carries real MTProto packets only.)
func ExampleNewClientConn() {
	cnc, snc := transporttest.Pipe()

	client, err := transport.NewClientConn(cnc, transport.ClientOptions{
		Codec:      transport.Intermediate,
		Obfuscated: true,
		DC:         2,
	})
	if err != nil {
		panic(err)
	}
	defer client.Close()
	if err := client.WritePacket([]byte("hello, server...")); err != nil {
		panic(err)
	}

	conn, err := transport.NewServerConn(snc, transport.ServerOptions{})
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	server := conn.(*transport.StreamConn)
	fmt.Println("server sees:", server.Kind(), "obfuscated:", server.Obfuscated(), "dc:", server.DC())

	p, err := server.ReadPacket()
	if err != nil {
		panic(err)
	}
	fmt.Printf("server read %q\n", p)

	if err := server.WritePacket([]byte("hello, client...")); err != nil {
		panic(err)
	}
	p, err = client.ReadPacket()
	if err != nil {
		panic(err)
	}
	fmt.Printf("client read %q\n", p)

	// Output:
	// server sees: intermediate obfuscated: true dc: 2
	// server read "hello, server..."
	// client read "hello, client..."
}
