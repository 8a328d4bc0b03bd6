package broadcast

import "errors"

// The errors of a Stream. Package mtgo re-exports the first five under the same names.
var (
	// ErrFFmpegNotFound reports that no ffmpeg binary was found: neither at Config.FFmpegPath
	// nor on PATH. Broadcasting requires ffmpeg.
	ErrFFmpegNotFound = errors.New("broadcast: ffmpeg binary not found in PATH; broadcasting requires ffmpeg")
	// ErrAlreadyPlaying reports Play on a stream that is playing.
	ErrAlreadyPlaying = errors.New("broadcast: stream already playing")
	// ErrNotPaused reports Resume on a stream that is not paused.
	ErrNotPaused = errors.New("broadcast: stream not paused")
	// ErrNoRTMPURL reports Play on a stream without an RTMP endpoint: call FetchRTMPURL or
	// SetURL/SetKey.
	ErrNoRTMPURL = errors.New("broadcast: RTMP endpoint not configured; call FetchRTMPURL or SetURL/SetKey")
	// ErrNoInputSource reports Play on a stream without a source.
	ErrNoInputSource = errors.New("broadcast: no input source configured")
	// ErrNotPlaying reports Pause on a stream that is not playing.
	ErrNotPlaying = errors.New("broadcast: stream not playing")
	// ErrNotSeekable reports Seek on a live source (a reader or a live URL).
	ErrNotSeekable = errors.New("broadcast: source cannot seek")
	// ErrInvalidURL reports an RTMP URL that is not rtmp:// or rtmps:// with a host.
	ErrInvalidURL = errors.New("broadcast: invalid RTMP URL")
	// ErrInvalidConfig reports a Config field out of range.
	ErrInvalidConfig = errors.New("broadcast: invalid config")
)
