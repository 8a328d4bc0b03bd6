package broadcast_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/mtgo-labs/mtgo/client/broadcast"
)

// A stream of a file into an RTMP endpoint, paused and resumed, reporting progress.
// (mtgo.Client.NewBroadcastStream makes the same Stream with the chat's URL and key.)
func Example() {
	s, err := broadcast.New(broadcast.Config{
		URL:          "rtmp://127.0.0.1:41935/live/",
		Key:          "stream-key",
		Source:       broadcast.File("talk.mp4"),
		VideoBitrate: 2_500_000,
		FrameRate:    30,
		OnEvent: func(e broadcast.Event) {
			if e.Kind == broadcast.EventProgress {
				fmt.Printf("at %v, %.0f kbit/s, %d dropped\n", e.Progress.Position, e.Progress.Bitrate/1000, e.Progress.Dropped)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Play(ctx); err != nil {
		log.Fatal(err) // ErrFFmpegNotFound, ErrNoRTMPURL, ...
	}
	_ = s.Pause()  // ffmpeg stops; the position is kept
	_ = s.Resume() // a new ffmpeg goes on from there
	_ = s.Seek(90 * time.Second)
	<-s.Done() // the file ended, Stop was called, or ctx ended
}
