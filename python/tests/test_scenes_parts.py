"""Unit tests of the scene detector's parts on synthetic analysis frames (python/tests/test_scenes_media.py):
parameters, hard cuts, flash suppression (also over a moving picture), gradual transitions (lag
selection, merging the parts of a long one), confidence.
Run: /usr/bin/python3 -m pytest -q python/tests/test_scenes_*.py (test/scenes-python.test.ts runs it).
"""
import os
import sys

import cv2
import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))

import test_scenes_media as m  # noqa: E402
from heaters_worker.errors import OpError  # noqa: E402
from heaters_worker.scenes import detector  # noqa: E402
from heaters_worker.scenes.distance import (  # noqa: E402
    brightness, edge_correlation, median_cell_change, rolling_median, shifted_dist, zoomed_share)
from heaters_worker.scenes.flash import FlashChecker  # noqa: E402
from heaters_worker.scenes.gradual import drop_steady_slices, merge_parts, select_lags  # noqa: E402
from heaters_worker.scenes.hard import fill_repeats, stop_margins, thumb_concentration  # noqa: E402
from heaters_worker.scenes.params import DEFAULTS, SPEC, resolve  # noqa: E402


def cuts_of(frames, **params):
    return detector.detect(m.signals(frames), resolve(params or None), set())


def flash_checker(sig, **params):
    """The flash check over a clip's signals, with these parameter overrides."""
    return FlashChecker(sig.thumbs, sig.hist, brightness(sig.thumbs), resolve(params or None))


def _cutaway_frames(length: int = 9):
    """A still take (60 frames), an insert of another picture `length` frames long and a little
    brighter, and the take again (50)."""
    take = m.still(m.texture(11), 60)
    insert = [np.clip(f.astype(np.int16) + 20, 0, 255).astype(np.uint8) for f in m.still(m.texture(12), length)]
    return m.noisy(take + insert + take[:50], 2)


# --- parameters ---

def test_every_default_is_in_range_and_documented():
    for key, spec in SPEC.items():
        assert spec.doc, key
        if spec.kind in ("int", "float"):
            assert spec.min is None or DEFAULTS[key] >= spec.min, key
            assert spec.max is None or DEFAULTS[key] <= spec.max, key
    assert resolve(None) == DEFAULTS


@pytest.mark.parametrize("overrides", [
    {"nope": 1}, {"max_flash": 31}, {"max_flash": 2.5}, {"content_ratio": "3"}, {"gradual": 1},
    {"gradual_lags": []}, {"gradual_lags": [2]}, {"content_min": -1}, {"hist_min": 1.5}, [],
])
def test_bad_overrides_are_bad_args(overrides):
    with pytest.raises(OpError) as e:
        resolve(overrides)
    assert e.value.code == "bad_args"


def test_overrides_are_normalised():
    p = resolve({"gradual_lags": [64, 16, 16], "min_scene_len": 4.0, "content_ratio": 2})
    assert p["gradual_lags"] == [16, 64] and p["min_scene_len"] == 4 and isinstance(p["min_scene_len"], int)
    assert isinstance(p["content_ratio"], float)


# --- hard cuts ---

def test_a_cut_between_two_panning_shots_is_found_at_its_first_frame():
    frames = m.noisy(m.pan(m.texture(1), 40, 1.5) + m.pan(m.texture(2), 40, 1.5), 3)
    assert [(c["frame"], c["kind"]) for c in cuts_of(frames)] == [(40, "hard")]


def test_a_cut_between_two_framings_of_one_picture_is_found_by_the_thumbnail():
    tex = m.texture(3, 4 * m.W, 4 * m.H)
    a = [tex[10:10 + m.H, 10:10 + m.W].copy() for _ in range(40)]
    b = [tex[200:200 + m.H, 400:400 + m.W].copy() for _ in range(40)]
    assert [c["frame"] for c in cuts_of(m.noisy(a + b, 2))] == [40]


def test_a_cut_between_two_framings_of_one_dark_picture_is_a_quiet_cut_off_keyframes_only():
    # Dim: the thumbnail jumps under cut_thumb_min, but the colours move and the edges do not line up.
    tex = m.texture(5, 4 * m.W, 4 * m.H)
    a = [(40 + tex[10:10 + m.H, 10:10 + m.W] * 0.18).astype(np.uint8)] * 40
    b = [(40 + tex[200:200 + m.H, 400:400 + m.W] * 0.18).astype(np.uint8)] * 40
    frames = m.noisy(a + b, 1)
    sig = m.signals(frames)
    assert float(np.abs(sig.thumbs[40].astype(np.int16) - sig.thumbs[39]).mean()) < DEFAULTS["cut_thumb_min"]
    assert [c["frame"] for c in cuts_of(frames)] == [40]
    assert cuts_of(frames, quiet_ratio=0, quiet_colour_ratio=0) == []  # both routes off: missed
    # On a keyframe the same jump could be a starved encode catching up: not a quiet cut (only the
    # colour route below may take it there).
    assert detector.detect(sig, resolve({"quiet_colour_ratio": 0}), {40}) == []


def test_on_a_keyframe_a_dim_cut_whose_colours_jump_takes_the_colour_route_a_catch_up_does_not():
    # 2.8.0: a cut between two slow pans over framings of the dark picture above, on a keyframe, its
    # colours jumping many times their local median and its edges no longer lining up, is a cut. A
    # starved encode's keyframe catching up with a pan over the same dim picture after ten frozen
    # frames jumps as much in content and thumbnail, its edges as little alike, but its colours move
    # little, and the frames before it did not move at all.
    tex = m.texture(5, 4 * m.W, 4 * m.H)
    dim = (40 + tex * 0.18).astype(np.uint8)
    a = [dim[10:10 + m.H, 10 + 3 * k:10 + 3 * k + m.W].copy() for k in range(40)]  # 3 px a frame
    b = [dim[30:30 + m.H, 330 + 3 * k:330 + 3 * k + m.W].copy() for k in range(40)]
    cut = m.signals(m.noisy(a + b, 1))
    assert float(np.abs(cut.thumbs[40].astype(np.int16) - cut.thumbs[39]).mean()) < DEFAULTS["cut_thumb_min"]
    assert edge_correlation(cut.thumbs, 39, 40) > DEFAULTS["quiet_grey_edges"], "not the grey route's"
    assert [c["frame"] for c in detector.detect(cut, DEFAULTS, {40})] == [40]
    assert detector.detect(cut, resolve({"quiet_colour_edges": 0.0}), {40}) == [], "edges that still line up a little: no cut"
    # The same cut after ten frozen frames (exact repeats, as a starved encode gives before its
    # catch-up keyframe): nothing moved before it, so on a keyframe it is left out.
    frames = m.noisy(a + b, 1)
    frames[30:40] = [frames[30]] * 10
    still = m.signals(frames)
    assert detector.detect(still, DEFAULTS, {40}) == []
    assert [c["frame"] for c in detector.detect(still, resolve({"quiet_colour_lead": 0}), {40})] == [40]
    assert [c["frame"] for c in detector.detect(still, DEFAULTS, set())] == [40], "off a keyframe the freeze does not matter"
    pan = [dim[20:20 + m.H, 10 + 2 * k:10 + 2 * k + m.W].copy() for k in range(80)]
    caught_up = m.signals(m.noisy(pan[:30] + [pan[30]] * 10 + pan[40:], 1))
    assert edge_correlation(caught_up.thumbs, 39, 40) <= DEFAULTS["quiet_colour_edges"]
    assert detector.detect(caught_up, DEFAULTS, {40}) == []
    loose = {"quiet_colour_hist": 0.05, "quiet_colour_ratio": 5}
    assert detector.detect(caught_up, resolve(loose), {40}) == [], "what keeps it out: the frozen frames before it ..."
    assert [c["frame"] for c in detector.detect(caught_up, resolve({**loose, "quiet_colour_lead": 0}), {40})] == [40], \
        "... and its colours"


def test_a_cut_while_something_crosses_the_frame_takes_the_wide_route():
    # A block passing the camera before and after a cut between two framings of one picture: it
    # raises the mean change of every frame around the cut (and with it the references of the other
    # routes), but most of the picture stays still, so the median cell's change does not rise.
    tex = m.texture(3, 4 * m.W, 4 * m.H)
    a, b = tex[10:10 + m.H, 10:10 + m.W].copy(), tex[10:10 + m.H, 30:30 + m.W].copy()
    block = m.checker_block()
    frames = m.noisy(m.crossing(a, block, 40, 10, start=14) + m.crossing(b, block, 40, 10, start=-10), 2)
    assert [c["frame"] for c in cuts_of(frames)] == [40]
    assert cuts_of(frames, wide_ratio=0) == []  # the route off: missed
    # The block crossing alone is no cut.
    assert cuts_of(m.noisy(m.crossing(a, block, 80, 10, start=14), 2)) == []


def test_a_picture_in_picture_window_coming_and_going_is_no_cut():
    # A window of another picture (an eighth of the frame, high contrast) pops on and off in a
    # corner: the thumbnail jumps as much as at a cut, but the median lit cell does not change.
    bg = m.still(m.texture(5), 1)[0]
    with_box = bg.copy()
    with_box[6:38, 98:154] = m.checker_block(56, 32)
    frames = m.noisy([bg] * 30 + [with_box] * 30 + [bg] * 30, 1)
    assert cuts_of(frames) == []
    assert [c["frame"] for c in cuts_of(frames, local_share=0)] == [30, 60]  # the rule off: two cuts
    # A cut in a night shot whose dark half stays black still changes the median lit cell.
    tex = m.texture(3, 4 * m.W, 4 * m.H)
    night = lambda f: np.concatenate([f[:m.H // 2], np.full_like(f[m.H // 2:], 8)])  # noqa: E731
    dark = m.noisy([night(tex[10:10 + m.H, 10:10 + m.W])] * 30 + [night(tex[200:200 + m.H, 400:400 + m.W])] * 30, 1)
    assert [c["frame"] for c in cuts_of(dark)] == [30]


def test_a_change_of_detail_only_is_no_cut():
    # A keyframe's quality step: the fine grain changes at once (and then stays), the picture does not.
    # (Strong grain: the half-size signals average a faint one away before any rule sees it.)
    base = m.still(m.texture(4), 60)
    grain = m.noisy(base[:1], 50, seed=2)[0]
    frames = m.noisy(base[:30], 1, seed=1) + m.noisy([grain] * 30, 1, seed=3)
    assert cuts_of(frames) == []
    # the floor rejects it, and so does the re-exposure rule (the same picture): only without both is it a cut
    assert cuts_of(frames, cut_thumb_min=0) == [] and cuts_of(frames, reexposed_edges=2.0) == []
    assert [c["frame"] for c in cuts_of(frames, cut_thumb_min=0, reexposed_edges=2.0)] == [30]


def test_the_same_picture_re_exposed_is_no_cut():
    # A web keyframe catching up after a slow fade: the whole picture 15% darker in one frame, its
    # edges in place and its colours hardly moved. Two framings of one picture stay a cut.
    base = m.still(m.texture(5), 60)
    darker = [np.clip(f.astype(np.float32) * 0.85, 0, 255).astype(np.uint8) for f in base[30:]]
    frames = m.noisy(base[:30] + darker, 1, seed=4)
    assert cuts_of(frames) == []
    assert [c["frame"] for c in cuts_of(frames, reexposed_edges=2.0)] == [30]  # the rule is what rejects it
    assert edge_correlation(m.signals(frames).thumbs, 29, 30) > 0.95
    tex = m.texture(3, 4 * m.W, 4 * m.H)
    two = m.noisy([tex[10:10 + m.H, 10:10 + m.W].copy()] * 30 + [tex[200:200 + m.H, 400:400 + m.W].copy()] * 30, 2)
    assert edge_correlation(m.signals(two).thumbs, 29, 30) < 0.5


def test_a_repeated_picture_counts_as_its_neighbours_smaller_change():
    # 15 fps shown at 30: every other frame changes nothing. A still shot changes alike on every
    # frame (no repeats), nor is frame 1 one (frame 0's change is 0 by definition).
    c1 = np.array([0.0, 9.0, 0.1, 10.0, 0.2, 12.0, 0.0, 11.0])
    t1 = np.array([0.0, 8.0, 0.0, 9.0, 0.1, 9.0, 0.0, 10.0])
    c, t = fill_repeats(c1, t1, 0.1, (c1, t1))
    assert c.tolist() == [0.0, 9.0, 9.0, 10.0, 10.0, 12.0, 11.0, 11.0]
    assert t.tolist() == [0.0, 8.0, 8.0, 9.0, 9.0, 9.0, 9.0, 10.0]
    assert fill_repeats(c1, t1, 0.0, (c1,))[0] is c1  # off
    still = np.array([0.0, 1.0, 0.9, 1.1, 1.0, 0.8])
    assert fill_repeats(still, still, 0.1, (still,))[0].tolist() == still.tolist()
    # Both signals must repeat: a frame whose content stands still while its thumbnail moves does not.
    t_moving = np.array([0.0, 8.0, 7.0, 9.0, 8.0, 9.0, 8.0, 10.0])
    assert fill_repeats(c1, t_moving, 0.1, (c1,))[0].tolist() == c1.tolist()


def _stop_signal(moving: int = 40, jump: float = 13.0, after: float = 0.3, turns: tuple[int, ...] = (30, 35)):
    """A content change per frame: `moving` frames of a shake (10-16 a frame, ~0.5 at its turns),
    a jump of `jump`, then 30 frames changing by `after` (a still framing)."""
    rng = np.random.default_rng(3)
    shake = rng.uniform(10, 16, moving)
    shake[0] = 0.0
    for k in turns:
        shake[k] = 0.5
    return np.concatenate([shake, [jump], np.full(30, after)])


def test_the_stop_route_takes_a_moving_picture_that_stops_dead():
    # A cut out of a shake into a still framing of the same photograph changes no more than the
    # shake did (13 against 10-16), but nothing moves after it: the route takes frame 40 only.
    p = resolve(None)

    def stops(c, params):  # the frames the route takes
        return stop_margins(c, params) >= 1

    c1 = _stop_signal()
    assert np.flatnonzero(stops(c1, p)).tolist() == [40]
    assert stop_margins(c1, p)[40] > 1
    assert not stops(c1, resolve({"stop_still_share": 0})).any()  # off
    # Two of the twelve frames before may be a shake's turns, not three.
    assert not stops(_stop_signal(turns=(30, 33, 36)), p).any()
    # A crash zoom moves for 6-8 frames, then holds: no stop.
    crash = np.concatenate([np.full(30, 0.3), np.full(8, 12.0), [12.0], np.full(30, 0.3)])
    assert not stops(crash, p).any()
    # The picture keeps moving after the jump (one frame of 2 within ten): no stop.
    c = _stop_signal()
    c[46] = 2.0
    assert not stops(c, p).any()
    # A still picture that changes by under stop_content_min is no stop either.
    assert not stops(_stop_signal(jump=3.0, after=0.1) * 0.3, p).any()


def test_a_fast_pan_over_a_busy_picture_made_at_15_fps_is_no_cut_a_cut_inside_it_is():
    # Every picture shown twice: the repeats would pull the local median to ~0, and every moving
    # frame would stand out from it as much as a cut.
    tex = m.fine_texture(3, 12 * m.W, 2 * m.H)
    other = (m.fine_texture(4, 12 * m.W, 2 * m.H) * np.float32([0.3, 0.9, 0.4])).astype(np.uint8)  # greens
    twice = lambda pics: [p for p in pics for _ in (0, 1)]  # noqa: E731
    pan = m.noisy(twice(m.slide(tex, 0, 30, 8)), 1)
    assert cuts_of(pan) == []
    assert len(cuts_of(pan, repeat_share=0)) >= 3  # the rule off: false cuts all along
    with_cut = m.noisy(twice(m.slide(tex, 0, 20, 8)) + twice(m.slide(other, 0, 20, 8)), 1)
    assert [(c["frame"], c["kind"]) for c in cuts_of(with_cut)] == [(40, "hard")]


def test_a_whip_that_stops_and_starts_is_no_cut_in_the_middle_of_a_move():
    # Moves of 14 frames, each frame as new as a cut, between stops of 16: the stops keep the local
    # median low, but a moving frame changes no more than the frames beside it. (The first and last
    # frame of a move have a still neighbour: there, a move and a cut into or out of one look alike.)
    tex = m.fine_texture(3, 30 * m.W, 2 * m.H)
    frames, x, moves = [], 0, []
    for _ in range(3):
        moves.append((len(frames), len(frames) + 13))
        frames += m.slide(tex, x, 14, 16)
        x += 14 * 16
        frames += [frames[-1].copy()] * 16
    frames = m.noisy(frames, 2)
    inside = lambda cuts: [c["frame"] for c in cuts if any(a + 1 < c["frame"] < b - 1 for a, b in moves)]  # noqa: E731
    assert inside(cuts_of(frames)) == []
    assert inside(cuts_of(frames, isolation=0)) != []  # the rule off: a cut in the middle of a move


def _thumbs(frames: list) -> np.ndarray:
    return np.stack([np.asarray(f, dtype=np.uint8) for f in frames])


def test_a_jump_into_fast_motion_is_concentrated_on_its_calm_side_only():
    # Thumbnails: a still picture, then a cut into a shot whose picture drifts far, fast. Centred, the
    # jump is a small share of the change around it (as a keyframe's step inside a fade is); on its
    # calm side it is all of it. A fade changes on both sides: no calm side. Nor is a flat colour one.
    rng = np.random.default_rng(7)
    still = rng.integers(60, 120, size=(11, 20, 3))
    start = np.clip(still + 30, 0, 255)
    moving = [np.clip(start + k * 25 * rng.choice([-1, 1], size=start.shape), 0, 255) for k in range(8)]
    thumbs = _thumbs([still] * 8 + moving)
    jump = float(np.abs(thumbs[8].astype(np.int16) - thumbs[7]).mean())
    centred, sided = thumb_concentration(thumbs, 8, 4, jump, one_side=0.2, flat_std=10.0)
    assert centred < DEFAULTS["thumb_concentration"] <= sided
    assert thumb_concentration(thumbs, 8, 4, jump, one_side=0.0)[1] is None  # the rule off: centred only
    fade = _thumbs([still + 4 * k for k in range(16)])
    step = float(np.abs(fade[8].astype(np.int16) - fade[7]).mean())
    assert thumb_concentration(fade, 8, 4, step, one_side=0.2, flat_std=10.0)[1] is None
    white = _thumbs([still + 6 * k for k in range(8)] + [np.full_like(still, 250)] * 8)
    step = float(np.abs(white[8].astype(np.int16) - white[7]).mean())
    assert thumb_concentration(white, 8, 4, step, one_side=0.2, flat_std=10.0)[1] is None


def test_a_picture_moved_by_a_few_thumbnail_pixels_is_explained_by_a_shift_another_is_not():
    tex = m.texture(15, 4 * m.W, 4 * m.H)
    small = cv2.resize(tex, (tex.shape[1] // 8, tex.shape[0] // 8), interpolation=cv2.INTER_AREA)
    a, moved, other = small[5:16, 5:25], small[5:16, 7:27], small[25:36, 40:60]
    thumbs = _thumbs([a, moved, other])
    jump = float(np.abs(thumbs[1].astype(np.int16) - thumbs[0]).mean())
    assert shifted_dist(thumbs, 0, 1, 3) < 0.2 * jump  # a pan starting: the old picture moved
    assert shifted_dist(thumbs, 0, 2, 3) > 0.5 * float(np.abs(thumbs[2].astype(np.int16) - thumbs[0]).mean())
    assert shifted_dist(thumbs, 0, 1, 0) == pytest.approx(jump)  # no shift tried: the plain distance


# --- flashes ---

@pytest.mark.parametrize("length,strobe", [(1, False), (4, False), (8, False), (10, False), (9, True)])
def test_flashes_over_a_still_and_over_a_pan_are_no_cuts(length, strobe):
    for frames in (m.still(m.texture(5), 80), m.pan(m.texture(6), 80, 2.0)):
        assert cuts_of(m.flash(m.noisy(frames, 2), 30, length, strobe)) == []


def test_flash_longer_than_max_flash_is_a_cut_pair():
    frames = m.flash(m.pan(m.texture(7), 80, 2.0), 30, 8)
    assert len(cuts_of(frames, max_flash=5)) == 2
    assert cuts_of(frames) == []


def test_excursion_over_motion_needs_a_brightening():
    # The picture moves under the flash (it never returns); the own-change route accepts it only
    # because the frames between are brighter than both ends.
    frames = m.flash(m.pan(m.texture(8), 60, 3.0), 20, 6)
    sig = m.signals(frames)
    assert flash_checker(sig, flash_return=0.0).excursion(20) == (19, 26)  # only the motion route
    assert flash_checker(sig, flash_return=0.0, flash_luma=255).excursion(20) is None


def test_a_return_by_colours_alone_needs_a_brightening():
    # A pan over a picture of one histogram bin, then a cut to another framing of it: the colours
    # "come back" after the cut, the picture does not, and nothing got brighter: no flash. A flash
    # over the same pan still is one.
    tex = (70 + m.texture(3, 4 * m.W, 4 * m.H) // 5).astype(np.uint8)
    pan = m.pan(tex, 40, 6.0)
    other = [tex[200:200 + m.H, 400:400 + m.W].copy() for _ in range(40)]
    sig = m.signals(m.noisy(pan + other, 1))
    assert flash_checker(sig).excursion(40) is None
    assert flash_checker(sig, flash_hist_lift=-255).excursion(40) is not None  # the rule off: a "flash" ends at the cut
    assert flash_checker(m.signals(m.flash(m.noisy(pan + pan, 1), 30, 6))).excursion(30) == (29, 36)


def test_a_cutaway_as_short_as_a_flash_is_two_cuts():
    # A still take, a 9-frame insert of another picture (a little brighter), back to the take: the
    # take comes back as after a flash, but the frames between are a picture of their own.
    frames = _cutaway_frames(9)
    assert [c["frame"] for c in cuts_of(frames)] == [60, 69]
    assert cuts_of(frames, cutaway_edges=-1) == []  # the rule off: taken for a flash
    sig = m.signals(frames)
    assert flash_checker(sig).is_cutaway(59, 69)
    assert not flash_checker(sig, cutaway_lift=10).is_cutaway(59, 69)  # 20 brighter: light, by that measure
    assert not flash_checker(sig, min_scene_len=10).is_cutaway(59, 69)  # shorter than a scene: a flash
    # An insert shorter than min_scene_len stays a flash.
    assert cuts_of(_cutaway_frames(5)) == []


def test_a_take_whipped_away_and_back_is_no_cutaway():
    # The same picture pans away fast for 9 frames and the take comes back: the edges between line up
    # with neither end, but the colours are the take's.
    tex = m.texture(11)
    take = m.still(tex, 60)
    whip = [tex[20:20 + m.H, 10 + 12 * k:10 + 12 * k + m.W].copy() for k in range(1, 10)]
    frames = m.noisy(take + whip + take[:50], 2)
    sig = m.signals(frames)
    assert not flash_checker(sig).is_cutaway(59, 69)
    assert flash_checker(sig, cutaway_hist=0).is_cutaway(59, 69)  # by edges, lift and pictures alone it would be
    assert cuts_of(frames) == []


def test_a_cut_inside_a_pan_is_no_flash():
    frames = m.pan(m.texture(9), 40, 3.0) + m.pan(m.texture(10), 40, 3.0)
    sig = m.signals(frames)
    assert flash_checker(sig).excursion(40) is None


# --- gradual transitions ---

@pytest.mark.parametrize("length", [20, 60, 150])
def test_a_crossfade_gives_one_cut_near_its_middle(length):
    # B drifts slowly (0.1 px per frame); a long dissolve into a faster pan is a known weak spot
    a, b = m.still(m.texture(11), 120 + length), m.pan(m.texture(12), 120 + length, 0.1)
    frames = m.noisy(m.crossfade(a, b, length), 2)
    cuts = cuts_of(frames)
    middle = 120 + length // 2
    assert len(cuts) == 1 and cuts[0]["kind"] == "gradual", cuts
    assert abs(cuts[0]["frame"] - middle) <= length / 4, (cuts, middle)


@pytest.mark.parametrize("length", [6, 8])
def test_a_crash_zoom_between_two_still_framings_is_no_transition(length):
    # Twofold in 6-8 frames, held still before and after: on the thumbnail the middle frame is nearly
    # a blend of the two framings, but it is the first one magnified.
    tex = m.texture(6, m.W, m.H)
    frames = m.noisy([tex] * 30 + [m.zoomed(tex, 1 + k / length) for k in range(1, length + 1)] + [m.zoomed(tex, 2.0)] * 30, 1)
    assert cuts_of(frames) == []
    assert [c["kind"] for c in cuts_of(frames, gradual_zoom=0)] == ["gradual"]  # the rule off: a transition
    thumbs = m.signals(frames).thumbs
    assert zoomed_share(thumbs, 30 + length // 2, (29, 31 + length)) < DEFAULTS["gradual_zoom"]
    # A crossfade's middle is no zoom of either end.
    fade = m.signals(m.crossfade([tex] * 30, [m.texture(7, m.W, m.H)] * 30, 10)).thumbs
    assert zoomed_share(fade, 25, (19, 31)) > 2 * DEFAULTS["gradual_zoom"]


def test_a_fade_through_black_gives_one_cut():
    a, b = m.still(m.texture(13), 160), m.still(m.texture(14), 160)
    cuts = cuts_of(m.noisy(m.fade_through(a, b, 80), 2))
    assert len(cuts) == 1, cuts
    assert abs(cuts[0]["frame"] - 160) <= 20


def test_steady_synthetic_motion_gives_no_cut():
    frames = m.noisy(m.pan(m.texture(15, 6 * m.W, 2 * m.H), 300, 2.5), 2)
    assert cuts_of(frames) == []


@pytest.mark.parametrize("level", [0, 255])
@pytest.mark.parametrize("out_len,flat_len,in_len", [(10, 8, 42), (12, 14, 64), (8, 6, 36)])
def test_an_uneven_fade_through_a_colour_is_one_cut(level, out_len, flat_len, in_len):
    # Out in a fifth, flat, slowly in (xfade's fadeblack/fadewhite): the first part's cut lies a few
    # frames before the flat stretch; detector 2.0.0 reported the (10, 8, 42) and (12, 14, 64) ones twice.
    a, b = m.still(m.texture(21), 80), m.still(m.texture(22), 80)
    frames = m.noisy(m.fade_through_uneven(a, b, out_len, flat_len, in_len, level), 2)
    length = out_len + flat_len + in_len
    cuts = cuts_of(frames)
    assert len(cuts) == 1 and cuts[0]["kind"] == "gradual", cuts
    assert abs(cuts[0]["frame"] - (80 + length // 2)) <= length // 4, cuts


def test_select_lags_keeps_one_per_transition():
    c = lambda frame, lag, seen: {"frame": frame, "lag": lag, "seen": seen}  # noqa: E731
    # the same transition at three lags: the smallest that sees it all
    assert select_lags([c(100, 16, 50), c(101, 32, 51), c(99, 64, 52)], 0.85, 0.5) == [c(100, 16, 50)]
    # a long one seen partly at 64 and fully at 128: the larger
    assert select_lags([c(100, 64, 20), c(104, 128, 40)], 0.85, 0.5) == [c(104, 128, 40)]
    # two separate transitions inside one long window stay
    assert select_lags([c(100, 32, 50), c(150, 32, 50), c(125, 128, 90)], 0.85, 0.5) == [c(100, 32, 50), c(150, 32, 50)]
    # a long window holding one transition and reaching half into the next one's window sees
    # parts of both: the shorter ones stay (without the straddle rule the 128 replaces 150)
    assert select_lags([c(40, 64, 70), c(150, 64, 50), c(110, 128, 90)], 0.85, 0.5) == [c(40, 64, 70), c(150, 64, 50)]
    assert select_lags([c(40, 64, 70), c(150, 64, 50), c(110, 128, 90)], 0.85, 2.0) == [c(40, 64, 70), c(110, 128, 90)]


def test_merge_parts_joins_halves_of_a_long_fade_but_not_two_transitions():
    a, b, c = m.still(m.texture(16), 200), m.still(m.texture(17), 200), m.still(m.texture(18), 200)
    long_fade = m.crossfade(a, b, 150)
    sig = m.signals(long_fade)
    halves = [{"frame": 90, "kind": "gradual", "score": 1.0, "a": 50, "b": 130, "lag": 64, "seen": 1.0},
              {"frame": 160, "kind": "gradual", "score": 1.0, "a": 120, "b": 200, "lag": 64, "seen": 1.0}]
    merged = merge_parts(halves, sig.thumbs, DEFAULTS)
    assert len(merged) == 1 and abs(merged[0]["frame"] - 125) <= 150 / 4, merged
    two = m.crossfade(m.crossfade(a, b[:100], 30), c, 30)  # A, 30-frame fade, 40 frames of B, fade, C
    sig2 = m.signals(two)
    sep = [{"frame": 185, "kind": "gradual", "score": 1.0, "a": 165, "b": 205, "lag": 32, "seen": 1.0},
           {"frame": 255, "kind": "gradual", "score": 1.0, "a": 235, "b": 275, "lag": 32, "seen": 1.0}]
    assert len(merge_parts(sep, sig2.thumbs, DEFAULTS)) == 2


def test_a_fade_through_black_seen_as_two_parts_merges_when_the_first_cut_is_on_the_flat_stretchs_first_frame():
    # 2.5.0: the first part's cut may sit on the first flat frame (the fade-out has just reached
    # black); one frame further in, the frame before it is flat too and the cut is the middle of a
    # fade through black of its own, which is not merged by this route (dev-format fm_gradual 346).
    from heaters_worker.scenes.gradual import _flat_frames
    a, b = m.still(m.texture(23), 80), m.still(m.texture(24), 80)
    sig = m.signals(m.noisy(m.fade_through_uneven(a, b, 10, 12, 40, 0), 2))
    first = int(_flat_frames(sig.thumbs, 80, 150, DEFAULTS)[0])
    assert 86 <= first <= 92, first

    def parts(f0: int) -> list[dict]:
        return [{"frame": f0, "kind": "gradual", "score": 1.0, "a": 76, "b": first + 6, "lag": 16, "seen": 1.0},
                {"frame": 120, "kind": "gradual", "score": 1.0, "a": first + 8, "b": 140, "lag": 32, "seen": 1.0}]
    assert [len(merge_parts(parts(f), sig.thumbs, DEFAULTS)) for f in (first - 1, first, first + 1)] == [1, 1, 2]


def test_a_slice_of_a_steady_morph_between_two_transitions_is_dropped_a_real_blend_there_is_kept():
    import cv2
    g0, g1 = m.still(m.texture(20), 1)[0], m.still(m.texture(21), 1)[0]
    morph = [cv2.addWeighted(g0, 1 - t, g1, t, 0) for t in np.linspace(0, 1, 120)]
    # A, 20-frame fade, 100 frames of a steady morph, 20-frame fade, C
    steady = m.noisy(m.crossfade(m.crossfade(m.still(m.texture(22), 80), morph, 20), m.still(m.texture(23), 80), 20), 2)
    # A, 20-frame fade, 10 frames of B, a 60-frame dissolve into C, 8 frames of C, 20-frame fade, D
    real = m.noisy(m.crossfade(m.crossfade(m.crossfade(m.still(m.texture(22), 80), m.still(m.texture(24), 90), 20),
                                           m.still(m.texture(23), 88), 60), m.still(m.texture(25), 60), 20), 2)
    cut = lambda f, a, b: {"frame": f, "kind": "gradual", "score": 1.0, "a": a, "b": b, "lo": 0, "hi": 239}
    around = lambda mid: [cut(70, 58, 82), mid, cut(168, 156, 180)]
    # the middle window lies inside the morph (80-159); its sides have 8 frames of room before the neighbours
    assert [c["frame"] for c in drop_steady_slices(around(cut(120, 90, 150)), m.signals(steady).thumbs, DEFAULTS)] == [70, 168]
    off = dict(DEFAULTS, bounded_steady=1e9)
    assert len(drop_steady_slices(around(cut(120, 90, 150)), m.signals(steady).thumbs, off)) == 3
    # the same window over a real dissolve, with 8-10 calm frames of its shots before the neighbours, stays
    assert [c["frame"] for c in drop_steady_slices(around(cut(120, 90, 150)), m.signals(real).thumbs, DEFAULTS)] == [70, 120, 168]


# --- confidence ---

def test_confidence_scale():
    assert detector.confidence(1.0, 2.0) == 0.0
    assert detector.confidence(2.0, 2.0) == 1.0
    assert detector.confidence(9.0, 2.0) == 1.0
    assert 0.4 < detector.confidence(1.5, 2.0) < 0.7


def test_every_cut_carries_a_confidence():
    frames = m.noisy(m.pan(m.texture(1), 40, 1.5) + m.pan(m.texture(2), 40, 1.5), 3)
    cuts = cuts_of(frames)
    assert cuts and all(0.0 <= c["confidence"] <= 1.0 for c in cuts)
    assert set(cuts[0]) == {"frame", "score", "kind", "confidence"}


# --- the decision pass's fast paths give the plain computation's answers ---

def _mixed_frames():
    """Cuts, flashes over a still and a pan, a strobe, a crossfade, a dark shot moved and a cut
    between two hazy shots (the quiet route's): every route."""
    a, b, c = m.texture(1), m.texture(2), m.texture(3)
    dark = (m.texture(4) * 0.12).astype(np.uint8)
    hazy = [np.clip(m.texture(k) * 0.15 + 50, 0, 255).astype(np.uint8) for k in (4, 5)]
    frames = m.still(a, 30) + m.flash(m.pan(b, 40, speed=2.0), 10, 4) + m.flash(m.still(c, 30), 8, 6, strobe=True)
    frames += m.crossfade(m.still(a, 30), m.pan(c, 30), 20) + m.still(dark, 25) + m.still(np.roll(dark, 9, axis=1), 25)
    frames += m.still(hazy[0], 25) + m.still(hazy[1], 25)
    return m.noisy(frames, 2.0)


def test_hard_cuts_visit_every_frame_that_the_full_loop_would(monkeypatch):
    from heaters_worker.scenes import hard
    sig, p = m.signals(_mixed_frames()), resolve(None)
    keyframes = {30, 70, 100, 150}
    fast = detector.detect(sig, p, keyframes)
    assert fast, "the mixed clip has cuts"
    every = hard.thresholds
    monkeypatch.setattr(hard, "thresholds",
                        lambda *args: every(*args)._replace(candidates=list(range(1, args[0].shape[0]))))
    assert detector.detect(sig, p, keyframes) == fast


def _excursion_plain(fc: FlashChecker, i: int):
    """FlashChecker.excursion as first written: every pair's distances from the stored signals."""
    from heaters_worker.scenes.distance import hist_dist, thumb_dist
    for a in range(i - 1, max(-1, i - 2 - fc.max_flash), -1):
        for b in range(i, min(fc.n, a + fc.max_flash + 2)):
            if b - a < 2:
                continue
            spike_t, spike_h = float(fc.t1[a + 1:b + 1].max()), float(fc.h1[a + 1:b + 1].max())
            ret_t = thumb_dist(fc.thumbs, a, b)
            lift = float(fc.luma[a + 1:b].max()) - max(float(fc.luma[a]), float(fc.luma[b]))
            returned = (ret_t <= fc.ret * spike_t
                        or (hist_dist(fc.hist, a, b) <= fc.ret * spike_h and lift >= fc.hist_lift)
                        or (fc.min_luma > 0 and lift >= fc.min_luma and ret_t <= fc.motion * fc._own_change(a, b)))
            if returned and not fc.is_cutaway(a, b):  # (2.7.0) a cutaway between a and b is no flash
                return a, b
    return None


@pytest.mark.parametrize("clip,overrides", [("mixed", {}), ("cutaway", {}), ("cutaway", {"cutaway_edges": -1})])
def test_flash_excursions_match_the_plain_computation_at_every_frame(clip, overrides):
    sig = m.signals(_mixed_frames() if clip == "mixed" else _cutaway_frames(9))
    fc = flash_checker(sig, **overrides)
    found = [fc.excursion(i) for i in range(1, sig.frames)]
    # The mixed clip has flashes; the cutaway clip has none, unless the cutaway rule is off.
    assert any(found) == (clip == "mixed" or bool(overrides))
    assert found == [_excursion_plain(fc, i) for i in range(1, sig.frames)]


def test_rolling_median_skips_nans_and_is_the_plain_median_without_them():
    x = np.array([5, 1, 9, 2, 7, 3, 8], dtype=np.float32)
    assert rolling_median(x, 1).tolist() == [5, 5, 2, 7, 3, 7, 8]
    x[2] = np.nan
    assert rolling_median(x, 1).tolist() == [5, 3, 1.5, 4.5, 3, 7, 8]


def _routes_plain(c1, h1, t1, ref_c, ref_h, ref_t, p, keyframes, m1, ref_m):
    """The four routes' thresholds frame by frame in scalar arithmetic (as hard_cuts' loop first had
    them), the frames over one of them and the frames over the quiet route."""
    out, thr, quiet = [], [], []
    for i in range(1, c1.shape[0]):
        boost = p["keyframe_boost"] if i in keyframes else 1.0
        thr_c = max(p["content_min"], p["content_ratio"] * boost * ref_c[i])
        thr_h = max(p["hist_min"], p["hist_ratio"] * boost * ref_h[i] + p["hist_floor"])
        thr_t = max(p["thumb_min"], p["thumb_ratio"] * boost * ref_t[i])
        thr_q = max(p["quiet_thumb_min"], p["quiet_ratio"] * ref_t[i])
        thr_qh = max(p["quiet_hist"], p["quiet_ratio"] * ref_h[i])
        thr.append((thr_c, thr_h, thr_t, thr_q, thr_qh))
        by_quiet = p["quiet_ratio"] > 0 and i not in keyframes and thr_q <= t1[i] < p["cut_thumb_min"] and h1[i] >= thr_qh
        if by_quiet:
            quiet.append(i)
        by_grey = p["quiet_ratio"] > 0 and p["quiet_grey_edges"] > -1 and thr_q <= t1[i] < p["cut_thumb_min"]
        by_wide = p["wide_ratio"] > 0 and m1[i] >= max(p["wide_min"], p["wide_ratio"] * ref_m[i])
        by_colour = (p["quiet_colour_ratio"] > 0 and h1[i] >= max(p["quiet_colour_hist"], p["quiet_colour_ratio"] * ref_h[i])
                     and p["quiet_colour_thumb"] <= t1[i] < p["cut_thumb_min"] and c1[i] >= p["content_ratio"] * ref_c[i]
                     and c1[i] >= p["hist_content_min"])
        if (c1[i] >= thr_c or (h1[i] >= thr_h and c1[i] >= p["hist_content_min"]) or t1[i] >= thr_t or by_quiet
                or by_grey or by_wide or by_colour):
            out.append(i)
    return out, thr, quiet


@pytest.mark.parametrize("overrides", [
    {}, {"content_ratio": 1.5, "content_min": 4}, {"hist_ratio": 1.5, "hist_min": 0.05},
    {"thumb_ratio": 1.5, "thumb_min": 2}, {"quiet_ratio": 2, "quiet_thumb_min": 0.5, "quiet_hist": 0.01},
    {"quiet_grey_edges": -1}, {"quiet_colour_ratio": 0}, {"quiet_colour_ratio": 2, "quiet_colour_hist": 0.02, "quiet_colour_thumb": 1},
    {"wide_ratio": 0}, {"wide_ratio": 1.5, "wide_min": 1}])
def test_hard_cut_candidates_are_the_frames_over_a_route_threshold(overrides):
    from heaters_worker.scenes import hard
    from heaters_worker.scenes.distance import hist_lags
    sig, p = m.signals(_mixed_frames()), resolve(overrides or None)
    c1, h1 = np.nan_to_num(sig.content[1]), np.nan_to_num(hist_lags(sig.hist)[1])
    t1 = flash_checker(sig, **(overrides or {})).t1
    w = int(p["window"])
    refs = (rolling_median(c1, w), rolling_median(h1, w), rolling_median(t1, w))
    m1 = median_cell_change(sig.thumbs)
    ref_m = rolling_median(m1, w)
    keyframes = {30, 70, 100, 150}
    got = hard.thresholds(c1, h1, t1, *refs, p, keyframes, m1, ref_m)
    want, want_thr, want_quiet = _routes_plain(c1, h1, t1, *refs, p, keyframes, m1, ref_m)
    assert got.candidates == want
    assert np.flatnonzero(got.by_quiet).tolist() == want_quiet
    assert want_quiet or p["quiet_ratio"] == 0, "the hazy cut takes the quiet route"
    assert len(want) > 4, "more candidates than cuts: the thresholds are what is compared"
    arrays = (got.content, got.hist, got.thumb, got.quiet_thumb, got.quiet_hist)
    assert [tuple(float(a[i]) for a in arrays) for i in range(1, c1.shape[0])] == want_thr


# --- the picture inside black bars (picture.py) ---

def _in_bars(frames, rows: int = 0, cols: int = 0, logo: bool = False):
    """Frames with black bars of `rows` rows above and below and `cols` columns at the sides (a
    letterbox, a pillarbox), and, if asked, a channel logo in the top bar."""
    out = []
    for f in frames:
        g = f.copy()
        if rows:
            g[:rows], g[-rows:] = 0, 0
        if cols:
            g[:, :cols], g[:, -cols:] = 0, 0
        if logo:
            g[3:9, 140:154] = 200
        out.append(g)
    return out


def test_black_bars_are_found_and_the_signals_are_restricted_to_the_picture():
    from heaters_worker.scenes.picture import Picture, find_picture, restrict
    p = resolve(None)
    film = m.noisy(m.pan(m.texture(1), 20, 1.5) + m.still(m.texture(2), 20), 2)
    letterbox = m.signals(_in_bars(film, rows=12, logo=True))
    pic = find_picture(letterbox, p)
    assert pic == Picture(12, 78, 0, 160, 90, 160), "the logo in the top bar leaves the bar a bar"
    inside = restrict(letterbox, pic)
    assert inside.thumbs.shape[1:] == (7, 20, 3), "thumbnail rows 2-8 lie wholly inside rows 12-78"
    alone = m.signals([np.ascontiguousarray(f[12:78]) for f in film])  # the picture as a frame of its own
    # the bars' pixels differ by 0, so the picture's score is the frame's over its share
    assert np.allclose(inside.content[1, 1:], alone.content[1, 1:], rtol=1e-4, atol=1e-3)
    assert letterbox.content[1, 5] < 0.8 * inside.content[1, 5]
    assert np.allclose(inside.hist.sum(axis=1), 1.0, atol=1e-5)
    # the bars' black is out of the histograms (all but the logo's few pixels)
    assert float(np.abs(inside.hist - alone.hist).sum(axis=1).max()) < 0.03
    assert float(np.abs(letterbox.hist - alone.hist).sum(axis=1).max()) > 0.3
    pillarbox = m.signals(_in_bars(film, cols=20))
    assert find_picture(pillarbox, p) == Picture(0, 90, 20, 140, 90, 160)
    assert restrict(pillarbox, find_picture(pillarbox, p)).thumbs.shape[1:] == (11, 14, 3), "columns 3-16 of 8 px"


def test_a_frame_without_bars_or_a_mostly_black_video_is_left_whole():
    from heaters_worker.scenes.picture import active_picture, find_picture
    p = resolve(None)
    assert find_picture(m.signals(m.noisy(m.still(m.texture(1), 10), 2)), p) is None
    spot = []
    for f in m.still(m.texture(1), 10):
        g = np.zeros_like(f)
        g[30:60, 50:110] = f[30:60, 50:110]  # a lit patch of 12 % of the frame: no film in bars
        spot.append(g)
    sig = m.signals(spot)
    assert find_picture(sig, p) is None
    assert active_picture(sig, p) is sig
    assert find_picture(m.signals(_in_bars(m.still(m.texture(1), 10), rows=12)), resolve({"bar_value": -1})) is None


def test_a_cut_between_two_framings_of_a_hazy_picture_in_bars_is_found_inside_them():
    # The bars' borders are edges that line up across the cut: over the whole frame the two framings
    # of a low-contrast picture look like one picture re-exposed.
    tex = np.clip(m.texture(3, 4 * m.W, 4 * m.H) * 0.4 + 70, 0, 255).astype(np.uint8)
    a = [tex[10:10 + m.H, 10 + i:10 + i + m.W].copy() for i in range(40)]
    b = [tex[200:200 + m.H, 400 + i // 2:400 + i // 2 + m.W].copy() for i in range(40)]
    frames = _in_bars(m.noisy(a + b, 2), rows=12)
    assert [c["frame"] for c in cuts_of(frames)] == [40]
    assert cuts_of(frames, bar_value=-1) == [], "over the whole frame it is missed"


# --- captions and subtitles ---

def _captioned(frames, spans, rows=(66, 80), cols=(30, 130)):
    """A white caption box in a dark outline over frames a..b-1 of each span."""
    out = []
    for i, f in enumerate(frames):
        g = f.copy()
        if any(a <= i < b for a, b in spans):
            g[rows[0] - 2:rows[1] + 2, cols[0] - 2:cols[1] + 2] = 20
            g[rows[0]:rows[1], cols[0]:cols[1]] = 240
        out.append(g)
    return out


def test_a_subtitle_coming_and_going_is_no_cut_and_a_cut_under_one_still_is():
    still = m.noisy(m.still(m.texture(5), 90), 2, seed=1)
    frames = _captioned(still, [(30, 60)])
    assert cuts_of(frames) == []
    # Either the caption rule or the local-change rule (a part of the picture changed) rejects them.
    assert cuts_of(frames, caption_share=0) == [] and cuts_of(frames, local_share=0) == []
    assert [c["frame"] for c in cuts_of(frames, caption_share=0, local_share=0)] == [30, 60]
    # a cut while the subtitle stays on: the rest of the picture changes too
    two = m.noisy(m.still(m.texture(5), 45) + m.still(m.texture(6), 45), 2, seed=1)
    assert [c["frame"] for c in cuts_of(_captioned(two, [(30, 70)]))] == [45]


def test_a_lower_third_is_no_gradual_transition_either():
    # A taller caption: the hard pass rejects its steps, and the gradual pass, which compares frames
    # 16 apart, would see a transition in each, but for their change being made in one frame.
    still = m.noisy(m.still(m.texture(5), 90), 2, seed=1)
    frames = _captioned(still, [(30, 60)], rows=(62, 82), cols=(20, 140))
    assert cuts_of(frames) == []
    assert [(c["frame"], c["kind"]) for c in cuts_of(frames, gradual_step=2)] == [(30, "gradual"), (60, "gradual")]


def test_a_cut_that_changes_the_colours_needs_no_thumbnail_concentration():
    # With a thumbnail concentration no cut meets (1.5), a cut between pans of other colours still
    # passes on its colour jump; two framings of one picture (the same colours) do not.
    def tint(tex, bgr):
        return np.clip(tex.astype(np.float32) * 0.5 + np.array(bgr, np.float32) * 0.5, 0, 255).astype(np.uint8)
    colours = m.noisy(m.pan(tint(m.texture(7, 8 * m.W, 2 * m.H), (30, 60, 200)), 40, 3)
                      + m.pan(tint(m.texture(8, 8 * m.W, 2 * m.H), (200, 120, 30)), 40, 3), 2)
    assert [c["frame"] for c in cuts_of(colours, thumb_concentration=1.5)] == [40]
    assert cuts_of(colours, thumb_concentration=1.5, colour_cut_hist=1.01) == []
    tex = m.texture(3, 4 * m.W, 4 * m.H)
    framings = m.noisy([tex[10:10 + m.H, 10 + i:10 + i + m.W].copy() for i in range(40)]
                       + [tex[200:200 + m.H, 400 + i:400 + i + m.W].copy() for i in range(40)], 2)
    assert [c["frame"] for c in cuts_of(framings)] == [40]
    assert cuts_of(framings, thumb_concentration=1.5) == []


def test_a_cut_between_two_framings_of_a_grey_picture_is_a_quiet_cut_on_a_keyframe_too():
    # No colours to move (the quiet route's histogram condition cannot hold) and a jump under every
    # absolute floor; but the edges no longer line up at all (-0.27), which a keyframe's quality step
    # does not do (0.26-0.49 on the development sets).
    tex = cv2.cvtColor(m.texture(3, 4 * m.W, 4 * m.H), cv2.COLOR_BGR2GRAY)
    tex = cv2.cvtColor(np.clip(tex * 0.12 + 90, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    frames = m.noisy([tex[10:10 + m.H, 10:10 + m.W].copy()] * 40 + [tex[200:200 + m.H, 400:400 + m.W].copy()] * 40, 1)
    assert edge_correlation(m.signals(frames).thumbs, 39, 40) < -0.2
    p = resolve(None)
    for keyframes in (set(), {40}):
        assert [c["frame"] for c in detector.detect(m.signals(frames), p, keyframes)] == [40]
    assert cuts_of(frames, quiet_grey_edges=-1) == [], "the grey route is what finds it"


def test_signals_come_from_the_half_size_frame_but_bars_are_found_to_the_row():
    # 2.5.0: the per-frame signals read a 2x box average of the analysis frame, so a pattern finer
    # than 2 px (a 1-px checkerboard of two colours) is its mean colour to every signal ...
    from heaters_worker.scenes.picture import Picture, find_picture
    yy, xx = np.mgrid[0:m.H, 0:m.W]
    board = np.where(((yy + xx) % 2 == 0)[..., None], np.uint8([40, 120, 200]), np.uint8([80, 160, 40])).astype(np.uint8)
    flat = np.full_like(board, 0)
    flat[:] = np.uint8([60, 140, 120])  # the checkerboard's mean, exactly
    sig = m.signals([flat, board, flat])
    assert float(np.nanmax(sig.content[1])) == 0.0
    assert np.array_equal(sig.thumbs[0], sig.thumbs[1]) and np.array_equal(sig.hist[0], sig.hist[1])
    # ... while the bars' peaks keep the full frame: an 11-row letterbox and 21-column pillarbox
    # (odd, so a half-size frame could only place them at 10 or 12 and 20 or 22) are found exactly
    film = m.noisy(m.pan(m.texture(1), 20, 1.5), 2)
    rows = m.signals(_in_bars(film, rows=11))
    assert find_picture(rows, resolve(None)) == Picture(11, 79, 0, 160, 90, 160)
    cols = m.signals(_in_bars(film, cols=21))
    assert find_picture(cols, resolve(None)) == Picture(0, 90, 21, 139, 90, 160)
