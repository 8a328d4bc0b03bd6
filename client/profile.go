package mtgo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The account's own profile: names, bio, username, emoji status, presence, profile photos.

// UpdateProfile changes the account's names and bio; an empty argument leaves that field as
// it is (SetBio clears the bio). It returns the account as updated.
func (c *Client) UpdateProfile(ctx context.Context, firstName, lastName, bio string) (*types.User, error) {
	req := &tg.AccountUpdateProfileRequest{}
	if firstName != "" {
		req.FirstName = tl.Some(firstName)
	}
	if lastName != "" {
		req.LastName = tl.Some(lastName)
	}
	if bio != "" {
		req.About = tl.Some(bio)
	}
	return c.updateProfile(ctx, req)
}

// SetBio sets the account's bio ("" clears it).
func (c *Client) SetBio(ctx context.Context, bio string) error {
	_, err := c.updateProfile(ctx, &tg.AccountUpdateProfileRequest{About: tl.Some(bio)})
	return err
}

func (c *Client) updateProfile(ctx context.Context, req *tg.AccountUpdateProfileRequest) (*types.User, error) {
	u, err := result(c.api().AccountUpdateProfile(ctx, req))("update profile")
	if err != nil {
		return nil, err
	}
	return c.selfUpdated(u), nil
}

// selfUpdated records the account's new user object and returns it.
func (c *Client) selfUpdated(u tg.UserClass) *types.User {
	v := types.NewUser(u)
	if v != nil && v.IsSelf {
		c.SetMe(v)
	}
	return v
}

// SetUsername sets the account's username ("" removes it).
func (c *Client) SetUsername(ctx context.Context, username string) error {
	u, err := result(c.api().AccountUpdateUsername(ctx, &tg.AccountUpdateUsernameRequest{Username: username}))("set username")
	if err != nil {
		return err
	}
	c.selfUpdated(u)
	return nil
}

// SetEmojiStatus shows the custom emoji documentID next to the account's name until until
// (zero: with no end; ErrDate outside 1901-12-13..2038-01-19); documentID 0 removes the
// status. Premium accounts only.
func (c *Client) SetEmojiStatus(ctx context.Context, documentID int64, until time.Time) error {
	var s tg.EmojiStatusClass = &tg.EmojiStatusEmpty{}
	if documentID != 0 {
		end, err := tgdate.Opt("emoji status until", until)
		if err != nil {
			return fmt.Errorf("mtgo: set emoji status: %w", err)
		}
		s = &tg.EmojiStatus{DocumentID: documentID, Until: end}
	}
	_, err := result(c.api().AccountUpdateEmojiStatus(ctx, &tg.AccountUpdateEmojiStatusRequest{EmojiStatus: s}))("set emoji status")
	return err
}

// UpdateStatus reports the account online, or offline.
func (c *Client) UpdateStatus(ctx context.Context, offline bool) error {
	_, err := result(c.api().AccountUpdateStatus(ctx, &tg.AccountUpdateStatusRequest{Offline: offline}))("update status")
	return err
}

// ProfilePhotoOption adjusts SetProfilePhoto.
type ProfilePhotoOption func(*tg.PhotosUploadProfilePhotoRequest)

// WithProfileVideo makes the file an animated profile photo (an MPEG-4 video of at most 10
// seconds); start is the frame shown as the still image.
func WithProfileVideo(start time.Duration) ProfilePhotoOption {
	return func(r *tg.PhotosUploadProfilePhotoRequest) {
		r.Video, r.File = r.File, nil
		if start > 0 {
			r.VideoStartTs = tl.Some(start.Seconds())
		}
	}
}

// WithFallbackPhoto sets the public photo shown to those the profile photo privacy hides
// the main one from.
func WithFallbackPhoto() ProfilePhotoOption {
	return func(r *tg.PhotosUploadProfilePhotoRequest) { r.Fallback = true }
}

// SetProfilePhoto uploads file (a local path, a types.InputFile or an uploaded
// tg.InputFileClass) and makes it the account's profile photo; WithProfileVideo for a video.
// A *types.ProfilePhoto (from GetProfilePhotos) makes that earlier photo current again.
func (c *Client) SetProfilePhoto(ctx context.Context, file any, opts ...ProfilePhotoOption) (*types.ProfilePhoto, error) {
	if p, ok := file.(*types.ProfilePhoto); ok && p != nil {
		res, err := result(c.api().PhotosUpdateProfilePhoto(ctx, &tg.PhotosUpdateProfilePhotoRequest{ID: p.InputPhoto()}))("set profile photo")
		if err != nil {
			return nil, err
		}
		return types.NewProfilePhoto(res.Photo), nil
	}
	m, err := c.inputMedia(ctx, types.KindPhoto, file)
	if err != nil {
		return nil, err
	}
	up, ok := m.(*tg.InputMediaUploadedPhoto)
	if !ok {
		return nil, fmt.Errorf("%w: a profile photo is uploaded, not %T", ErrMediaArgument, file)
	}
	req := &tg.PhotosUploadProfilePhotoRequest{File: up.File}
	for _, o := range opts {
		o(req)
	}
	res, err := result(c.api().PhotosUploadProfilePhoto(ctx, req))("set profile photo")
	if err != nil {
		return nil, err
	}
	return types.NewProfilePhoto(res.Photo), nil
}

// DeleteProfilePhotos deletes the account's profile photos with those ids (as listed by
// GetProfilePhotos); it returns the ids deleted.
func (c *Client) DeleteProfilePhotos(ctx context.Context, photoIDs ...int64) ([]int64, error) {
	want := make(map[int64]bool, len(photoIDs))
	for _, id := range photoIDs {
		want[id] = true
	}
	var in []tg.InputPhotoClass
	for p, err := range c.GetProfilePhotos(ctx, &tg.InputPeerSelf{}) {
		if err != nil {
			return nil, err
		}
		if want[p.ID] {
			in = append(in, p.InputPhoto())
		}
	}
	if len(in) == 0 {
		return nil, nil
	}
	return result(c.api().PhotosDeletePhotos(ctx, &tg.PhotosDeletePhotosRequest{ID: in}))("delete profile photos")
}

// DeleteProfilePhoto deletes one of the account's profile photos.
func (c *Client) DeleteProfilePhoto(ctx context.Context, photoID int64) error {
	ids, err := c.DeleteProfilePhotos(ctx, photoID)
	if err == nil && len(ids) == 0 {
		err = fmt.Errorf("mtgo: delete profile photo %d: no such photo", photoID)
	}
	return err
}

// SetBirthday shows the account's birthday on its profile (year 0: without the year); nil
// removes it. Who sees it follows types.PrivacyBirthday. A day outside 1 to 31, a month
// outside 1 to 12 or a negative year or one past 2^31-1 is ErrOutOfRange.
func (c *Client) SetBirthday(ctx context.Context, b *types.Birthday) error {
	req := &tg.AccountUpdateBirthdayRequest{}
	if b != nil {
		bd, err := wireBirthday(*b)
		if err != nil {
			return fmt.Errorf("mtgo: set birthday: %w", err)
		}
		req.Birthday = bd
	}
	return c.boolCall(ctx, "set birthday", req)
}

// wireBirthday converts b for a request: day 1 to 31, month 1 to 12, year 0 (left out) to
// 2^31-1.
func wireBirthday(b types.Birthday) (*tg.Birthday, error) {
	day, err := wirenum.Int("birthday day", b.Day, 1, 31)
	if err != nil {
		return nil, err
	}
	month, err := wirenum.Int("birthday month", b.Month, 1, 12)
	if err != nil {
		return nil, err
	}
	year, err := wirenum.Int("birthday year", b.Year, 0, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	out := &tg.Birthday{Day: day, Month: month}
	if year != 0 {
		out.Year = tl.Some(year)
	}
	return out, nil
}

// SetPersonalChannel shows a channel the account owns on its profile; nil removes it.
func (c *Client) SetPersonalChannel(ctx context.Context, channel any) error {
	var in tg.InputChannelClass = &tg.InputChannelEmpty{}
	if channel != nil {
		ch, _, err := c.resolveChannel(ctx, channel, nil)
		if err != nil {
			return err
		}
		in = ch
	}
	return c.boolCall(ctx, "set personal channel", &tg.AccountUpdatePersonalChannelRequest{Channel: in})
}
