package exchange_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// A client and a server create an auth key over an in-memory connection. Against Telegram the
// client passes crypto.TelegramKeys() and crypto/rand.Reader, and conn is a dialled
// transport.Conn; here the server is the test server's half with its own RSA key.
func ExampleRunClient() {
	priv := loadServerKey("testdata/server_key.pem")
	pub, err := crypto.NewPublicKey(&priv.PublicKey)
	if err != nil {
		panic(err)
	}

	cnc, snc := transporttest.Pipe()
	clientConn, err := transport.NewClientConn(cnc, transport.ClientOptions{})
	if err != nil {
		panic(err)
	}
	defer clientConn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	type outcome struct {
		res exchange.Result
		err error
	}
	served := make(chan outcome, 1)
	go func() {
		serverConn, err := transport.NewServerConn(snc, transport.ServerOptions{})
		if err != nil {
			served <- outcome{err: err}
			return
		}
		defer serverConn.Close()
		res, err := exchange.RunServer(ctx, serverConn, exchange.ServerConfig{
			Key:  priv,
			Rand: crypto.NewDeterministicReader(2),
		})
		served <- outcome{res, err}
	}()

	client, err := exchange.RunClient(ctx, clientConn, exchange.ClientConfig{
		Keys: append(crypto.TelegramKeys(), pub),
		DC:   2,
		Rand: crypto.NewDeterministicReader(1),
	})
	if err != nil {
		panic(err)
	}
	server := <-served
	if server.err != nil {
		panic(server.err)
	}

	fmt.Println("same key:", bytes.Equal(client.AuthKey.Value[:], server.res.AuthKey.Value[:]))
	fmt.Println("same key id:", client.AuthKey.ID == server.res.AuthKey.ID)
	fmt.Println("same first salt:", client.ServerSalt == server.res.ServerSalt)
	fmt.Println("dc:", server.res.DC, "temporary:", client.Temp())

	// Output:
	// same key: true
	// same key id: true
	// same first salt: true
	// dc: 2 temporary: false
}

// loadServerKey reads a PEM-encoded PKCS #1 RSA private key.
func loadServerKey(path string) *rsa.PrivateKey {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		panic("no PEM block in " + path)
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	return key
}
