package mtgo_test

import (
	"context"
	"fmt"
	"log"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

func ExampleClient_SendStory() {
	srv := startExampleServer()
	defer srv.Close()
	client := srv.userClient()
	defer client.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	story, err := client.SendStory(ctx, "me", []byte("...jpeg bytes..."),
		mtgo.WithStoryCaption("day one"), mtgo.WithStoryPinned())
	if err != nil {
		log.Fatal(err)
	}
	for s, err := range client.GetPinnedStories(ctx, "me") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("pinned:", s.ID, s.Caption, s.ID == story.ID)
	}
	// Output: pinned: 1 day one true
}

func ExampleClient_SendGift() {
	srv := startExampleServer()
	defer srv.Close()
	srv.cl.World().AddGiftStars(srv.user.ID, 100) // Stars bought elsewhere
	client := srv.userClient()
	defer client.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	gifts, err := client.GetStarGiftOptions(ctx)
	if err != nil {
		log.Fatal(err)
	}
	rose := gifts[0]
	if _, err := client.SendGift(ctx, "me", rose.ID, "to myself"); err != nil {
		log.Fatal(err)
	}
	for g, err := range client.GetSavedGifts(ctx, "me") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(g.Gift.Title, g.Text, "converts to", g.ConvertStars, "Stars")
		if err := client.ConvertGift(ctx, g.Ref); err != nil {
			log.Fatal(err)
		}
	}
	// Output: Rose to myself converts to 13 Stars
}
