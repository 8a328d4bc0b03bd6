package mtgo

import (
	"context"
	"log/slog"
)

// Logger writes the client's structured log records through log/slog at the level configured
// in Config.Log. Arguments after the message are key-value pairs, as with slog. A nil *Logger
// and the zero Logger discard everything.
type Logger struct {
	l *slog.Logger
}

// newLogger builds the client's logger from cfg; without a handler every record is dropped
// before it is formatted.
func newLogger(cfg LogConfig) *Logger {
	if cfg.Handler == nil {
		return &Logger{l: slog.New(slog.DiscardHandler)}
	}
	level := cfg.Level
	if level == nil {
		level = slog.LevelInfo
	}
	return &Logger{l: slog.New(&levelHandler{level: level, h: cfg.Handler})}
}

// Slog returns the underlying *slog.Logger, for passing to libraries that take one.
func (l *Logger) Slog() *slog.Logger {
	if l == nil || l.l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.l
}

// Enabled reports whether records at level are written.
func (l *Logger) Enabled(level slog.Level) bool {
	return l.Slog().Enabled(context.Background(), level)
}

// Debug logs at slog.LevelDebug.
func (l *Logger) Debug(msg string, args ...any) { l.Slog().Debug(msg, args...) }

// Info logs at slog.LevelInfo.
func (l *Logger) Info(msg string, args ...any) { l.Slog().Info(msg, args...) }

// Warn logs at slog.LevelWarn.
func (l *Logger) Warn(msg string, args ...any) { l.Slog().Warn(msg, args...) }

// Error logs at slog.LevelError.
func (l *Logger) Error(msg string, args ...any) { l.Slog().Error(msg, args...) }

// With returns a Logger that adds args to every record.
func (l *Logger) With(args ...any) *Logger { return &Logger{l: l.Slog().With(args...)} }

// levelHandler filters records below level before handing them to h.
type levelHandler struct {
	level slog.Leveler
	h     slog.Handler
}

func (h *levelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.level.Level() && h.h.Enabled(ctx, level)
}

func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error { return h.h.Handle(ctx, r) }

func (h *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelHandler{level: h.level, h: h.h.WithAttrs(attrs)}
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{level: h.level, h: h.h.WithGroup(name)}
}
