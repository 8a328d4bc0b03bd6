package mtgo

import (
	"time"

	"github.com/mtgo-labs/mtgo/client/option"
)

// Options of the media sends (SendPhoto, SendDocument, ..., SendMediaGroup) and of SendPoll.

// collectSend is option.CollectSend without its allocation when there are no options (the
// parameters escape through the options' methods).
func collectSend(opts []SendOption) option.SendParams {
	if len(opts) == 0 {
		return option.SendParams{}
	}
	return option.CollectSend(opts)
}

// mediaOption is a SendOption that changes the media parameters.
func mediaOption(f func(*option.Media)) SendOption {
	return option.SendFunc(func(p *option.SendParams) { f(&p.Media) })
}

// pollOption is a SendOption that changes the poll parameters.
func pollOption(f func(*option.Poll)) SendOption {
	return option.SendFunc(func(p *option.SendParams) { f(&p.Poll) })
}

// WithSpoiler hides a photo or video behind a spoiler animation.
func WithSpoiler() SendOption { return mediaOption(func(m *option.Media) { m.Spoiler = true }) }

// WithTTL makes a photo or video self-destruct d after it is opened (private chats; whole
// seconds, rounded down but at least 1; 0 or less: none; past 2^31-1 seconds the send fails
// with ErrOutOfRange).
func WithTTL(d time.Duration) SendOption { return mediaOption(func(m *option.Media) { m.TTL = d }) }

// WithDuration gives the play time of a video, audio, voice message or video note (an
// audio's in whole seconds, rounded down): a negative d, or one past 2^31-1 seconds, fails
// the send with ErrOutOfRange.
func WithDuration(d time.Duration) SendOption {
	return mediaOption(func(m *option.Media) { m.Duration = d })
}

// WithDimensions gives the width and height of a video or animation: a negative one, or one
// past 2^31-1, fails the send with ErrOutOfRange.
func WithDimensions(width, height int) SendOption {
	return mediaOption(func(m *option.Media) { m.Width, m.Height = width, height })
}

// WithPerformer names the performer of a music file.
func WithPerformer(performer string) SendOption {
	return mediaOption(func(m *option.Media) { m.Performer = performer })
}

// WithTitle names the title of a music file.
func WithTitle(title string) SendOption {
	return mediaOption(func(m *option.Media) { m.Title = title })
}

// WithFileName shows the file under name instead of its own.
func WithFileName(name string) SendOption {
	return mediaOption(func(m *option.Media) { m.FileName = name })
}

// WithMimeType sends the file with this MIME type instead of the one its name suggests.
func WithMimeType(mimeType string) SendOption {
	return mediaOption(func(m *option.Media) { m.MimeType = mimeType })
}

// WithThumbnail attaches a JPEG preview to a document or video: a path, bytes or a
// types.InputFile.
func WithThumbnail(thumb any) SendOption {
	return mediaOption(func(m *option.Media) { m.Thumbnail = thumb })
}

// WithProgress calls fn after each uploaded part of the call's files with the bytes done and
// the total (-1 when unknown). A types.InputFile's own Progress takes precedence.
func WithProgress(fn func(done, total int64)) SendOption {
	return mediaOption(func(m *option.Media) { m.Progress = fn })
}

// WithPublicVoters makes SendPoll's poll show who voted.
func WithPublicVoters() SendOption { return pollOption(func(p *option.Poll) { p.Public = true }) }

// WithMultipleAnswers lets SendPoll's voters choose several answers.
func WithMultipleAnswers() SendOption { return pollOption(func(p *option.Poll) { p.Multiple = true }) }

// WithQuiz makes SendPoll send a quiz whose right answer is answers[correct]; explanation
// (read with the parse mode, empty for none) is shown to those who answer wrong.
func WithQuiz(correct int, explanation string) SendOption {
	return pollOption(func(p *option.Poll) { p.Quiz, p.Correct, p.Explanation = true, correct, explanation })
}

// WithOpenPeriod closes SendPoll's poll d after it is sent (5 s to 10 min).
func WithOpenPeriod(d time.Duration) SendOption {
	return pollOption(func(p *option.Poll) { p.OpenFor = d })
}

// WithCloseDate closes SendPoll's poll at t.
func WithCloseDate(t time.Time) SendOption { return pollOption(func(p *option.Poll) { p.CloseAt = t }) }

// WithClosed sends SendPoll's poll already closed.
func WithClosed() SendOption { return pollOption(func(p *option.Poll) { p.Closed = true }) }

// WithHeading gives a live location's direction of travel in degrees (1 to 360), for
// SendLiveLocation and EditMessageLiveLocation.
func WithHeading(degrees int) SendEditOption {
	return option.CommonFunc(func(p *option.Common) { p.Live.Heading = degrees })
}

// WithProximityAlert alerts the other members of the chat who come within meters of a live
// location (up to 100 000), for SendLiveLocation and EditMessageLiveLocation.
func WithProximityAlert(meters int) SendEditOption {
	return option.CommonFunc(func(p *option.Common) { p.Live.ProximityRadius = meters })
}
