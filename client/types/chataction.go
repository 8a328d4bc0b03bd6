package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// ChatAction is what SendChatAction shows the chat the account doing: typing, recording or
// uploading something, choosing a sticker... The upload actions carry a progress in percent
// (Progress). The zero value is ActionTyping.
type ChatAction struct {
	kind     chatActionKind
	progress int32
}

type chatActionKind uint8

const (
	actTyping chatActionKind = iota
	actCancel
	actRecordVideo
	actUploadVideo
	actRecordVoice
	actUploadVoice
	actUploadPhoto
	actUploadDocument
	actFindLocation
	actRecordVideoNote
	actUploadVideoNote
	actChooseContact
	actChooseSticker
	actPlayGame
)

// The chat actions.
var (
	ActionTyping          = ChatAction{kind: actTyping}
	ActionCancel          = ChatAction{kind: actCancel}
	ActionRecordVideo     = ChatAction{kind: actRecordVideo}
	ActionUploadVideo     = ChatAction{kind: actUploadVideo}
	ActionRecordVoice     = ChatAction{kind: actRecordVoice}
	ActionUploadVoice     = ChatAction{kind: actUploadVoice}
	ActionUploadPhoto     = ChatAction{kind: actUploadPhoto}
	ActionUploadDocument  = ChatAction{kind: actUploadDocument}
	ActionFindLocation    = ChatAction{kind: actFindLocation}
	ActionRecordVideoNote = ChatAction{kind: actRecordVideoNote}
	ActionUploadVideoNote = ChatAction{kind: actUploadVideoNote}
	ActionChooseContact   = ChatAction{kind: actChooseContact}
	ActionChooseSticker   = ChatAction{kind: actChooseSticker}
	ActionPlayGame        = ChatAction{kind: actPlayGame}
)

// Progress returns the upload action a with percent done (clamped to 0..100); other actions
// are returned unchanged.
func (a ChatAction) Progress(percent int) ChatAction {
	a.progress = int32(min(max(percent, 0), 100))
	return a
}

// TL returns the action as Telegram takes it (messages.setTyping).
func (a ChatAction) TL() tg.SendMessageActionClass {
	p := a.progress
	switch a.kind {
	case actCancel:
		return &tg.SendMessageCancelAction{}
	case actRecordVideo:
		return &tg.SendMessageRecordVideoAction{}
	case actUploadVideo:
		return &tg.SendMessageUploadVideoAction{Progress: p}
	case actRecordVoice:
		return &tg.SendMessageRecordAudioAction{}
	case actUploadVoice:
		return &tg.SendMessageUploadAudioAction{Progress: p}
	case actUploadPhoto:
		return &tg.SendMessageUploadPhotoAction{Progress: p}
	case actUploadDocument:
		return &tg.SendMessageUploadDocumentAction{Progress: p}
	case actFindLocation:
		return &tg.SendMessageGeoLocationAction{}
	case actRecordVideoNote:
		return &tg.SendMessageRecordRoundAction{}
	case actUploadVideoNote:
		return &tg.SendMessageUploadRoundAction{Progress: p}
	case actChooseContact:
		return &tg.SendMessageChooseContactAction{}
	case actChooseSticker:
		return &tg.SendMessageChooseStickerAction{}
	case actPlayGame:
		return &tg.SendMessageGamePlayAction{}
	}
	return &tg.SendMessageTypingAction{}
}
