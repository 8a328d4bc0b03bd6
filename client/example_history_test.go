package mtgo_test

import (
	"context"
	"fmt"
	"log"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// The user writes 250 messages to the bot, then reads them back newest first: three requests
// of up to 100 messages, and a search with a limit.
func ExampleClient_GetChatHistory() {
	s := startExampleServer()
	defer s.Close()
	c := s.userClient()
	defer c.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := 1; i <= 250; i++ {
		if _, err := c.SendMessage(ctx, "@example_bot", fmt.Sprint("note ", i)); err != nil {
			log.Fatal(err)
		}
	}
	n := 0
	for m, err := range c.GetChatHistory(ctx, "@example_bot") {
		if err != nil {
			log.Fatal(err)
		}
		if n == 0 {
			fmt.Println("newest:", m.Text)
		}
		n++
	}
	fmt.Println("messages:", n)
	for m, err := range c.SearchMessages(ctx, "@example_bot", "note 24", mtgo.WithLimit(3)) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("found:", m.Text)
	}
	// Output:
	// newest: note 250
	// messages: 250
	// found: note 249
	// found: note 248
	// found: note 247
}
