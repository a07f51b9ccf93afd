"""REPET-SIM and the repetition prior (repetition.py) and the stream's two masks."""
import numpy as np
import pytest
import soundfile as sf

import main
from conftest import SAMPLE_RATE, streamed, synthetic_sources
import repetition
from repetition import RepetitionPrior, TooFewFrames, repeating_part, repet_sim_masks
from separator import PitchViews, Separator, load_separator, post_filter
from utils import SvsError

FRAME_RATE = SAMPLE_RATE / 256
PLAIN = {"scale_distance": "", "guided": False, "repet_seconds": 2.0, "vocals_margin": 10.0}  # REPET-SIM as librosa's example runs it


def looped(frames: int, bins: int = 64, seed: int = 0) -> np.ndarray:
    """(frames, bins) magnitudes: a bar of 23 frames played over and over, with a voice on top
    whose pitch wanders and does not repeat (voice_bins: its bin in each frame), and a few silent frames."""
    rng = np.random.default_rng(seed)
    bar = np.abs(rng.standard_normal((23, bins)))
    magnitude = np.tile(bar, (frames // 23 + 1, 1))[:frames] * rng.uniform(0.8, 1.2, (frames, bins))
    magnitude[np.arange(frames), voice_bins(frames)] += 4
    magnitude[5:8] = 0
    return magnitude.astype(np.float32)


def voice_bins(frames: int) -> np.ndarray:
    return 20 + np.cumsum(np.random.default_rng(99).integers(-1, 2, frames)) % 30


def brute_force_repeating(magnitude: np.ndarray, width: int, similar: np.ndarray | None = None,
                          neighbours: float = 1.0) -> np.ndarray:
    """The definition, frame by frame: of each frame's `count` nearest others by cosine distance
    (between the frames of `similar`, default the magnitudes), those at least `width` frames away,
    the `keep` earliest (`neighbours` times librosa's count, kept even); their median, at most the frame."""
    frames = len(magnitude)
    keep = int(2 * np.ceil(neighbours * np.sqrt(frames - 2 * width + 1)))
    count = min(frames - 1, keep + 2 * width)
    similar = magnitude if similar is None else similar
    norms = np.linalg.norm(similar.astype(np.float64), axis=1)
    unit = similar / np.where(norms == 0, 1, norms)[:, None]
    out = np.empty_like(magnitude)
    for i in range(frames):
        distance = 1 - unit @ unit[i]
        distance[i] = np.inf
        nearest = np.argsort(distance, kind="stable")[:count]
        chosen = sorted(j for j in nearest if abs(j - i) >= width)[:keep]
        out[i] = np.median(magnitude[chosen], axis=0) if chosen else magnitude[i]
    return np.minimum(magnitude, out)


@pytest.mark.parametrize("frames", [400, 40])  # 40: too short for 2 s, and frames with fewer neighbours
def test_repeating_part_follows_its_definition(frames):
    magnitude = looped(frames)
    width = min(125, (frames - 1) // 2 - 1)
    expected = brute_force_repeating(magnitude, width)
    np.testing.assert_allclose(repeating_part(magnitude, FRAME_RATE), expected, rtol=1e-6)
    # the later frames alone, the earlier ones compared with but not filtered themselves
    np.testing.assert_allclose(repeating_part(magnitude, FRAME_RATE, first=frames // 3), expected[frames // 3:],
                               rtol=1e-6)
    with pytest.raises(TooFewFrames, match="too few"):
        repeating_part(magnitude[:4], FRAME_RATE)
    # neighbours at least `seconds` apart instead of 2 s
    expected = brute_force_repeating(magnitude, min(62, (frames - 1) // 2 - 1))
    np.testing.assert_allclose(repeating_part(magnitude, FRAME_RATE, seconds=1.0), expected, rtol=1e-6)
    vocals, _ = repet_sim_masks(magnitude, FRAME_RATE, seconds=1.0)
    assert (frames < 100) == np.allclose(vocals, repet_sim_masks(magnitude, FRAME_RATE)[0])  # 40: 18 either way
    # the median of fewer or more neighbours
    for neighbours in (0.5, 2.0):
        expected = brute_force_repeating(magnitude, width, neighbours=neighbours)
        assert not np.allclose(expected, brute_force_repeating(magnitude, width))
        np.testing.assert_allclose(repeating_part(magnitude, FRAME_RATE, neighbours=neighbours), expected, rtol=1e-6)
    with pytest.raises(SvsError, match="neighbours"):
        repeating_part(magnitude, FRAME_RATE, neighbours=0)


def test_repeating_part_compares_frames_by_what_it_is_given():
    magnitude = looped(300)
    guide = looped(300, seed=1)  # another bar: other frames are alike
    expected = brute_force_repeating(magnitude, 125, guide)
    assert not np.allclose(expected, brute_force_repeating(magnitude, 125))
    np.testing.assert_allclose(repeating_part(magnitude, FRAME_RATE, similar=guide), expected, rtol=1e-6)
    np.testing.assert_allclose(repeating_part(magnitude, FRAME_RATE, first=100, similar=guide), expected[100:],
                               rtol=1e-6)
    vocals, _ = repet_sim_masks(magnitude, FRAME_RATE, similar=guide)
    assert not np.allclose(vocals, repet_sim_masks(magnitude, FRAME_RATE)[0])
    with pytest.raises(SvsError, match="compares frames by"):
        repeating_part(magnitude, FRAME_RATE, similar=guide[:, :10])


def test_repet_sim_masks_equal_librosas_vocal_separation_example():
    librosa = pytest.importorskip("librosa")
    spectrum = looped(400).T  # (bins, frames), as librosa takes it
    width = int(librosa.time_to_frames(2, sr=SAMPLE_RATE, hop_length=256))
    filtered = librosa.decompose.nn_filter(spectrum, aggregate=np.median, metric="cosine", width=width)
    repeating = np.minimum(spectrum, filtered)
    vocals = librosa.util.softmask(spectrum - repeating, 10 * repeating, power=2)
    accompaniment = librosa.util.softmask(repeating, 2 * (spectrum - repeating), power=2)
    got_vocals, got_accompaniment = repet_sim_masks(spectrum.T, FRAME_RATE)
    np.testing.assert_allclose(got_vocals.T, vocals, atol=1e-6)
    np.testing.assert_allclose(got_accompaniment.T, accompaniment, atol=1e-6)
    # what repeats goes to the accompaniment, the voice on top of it to the vocals
    voice = np.zeros(got_vocals.shape, bool)
    voice[np.arange(400), voice_bins(400)] = True
    voice[5:8] = False
    assert got_vocals[voice].mean() > 5 * got_vocals[~voice].mean()


class _Constant:
    """A separator stand-in whose vocals mask is 0.6 everywhere; its states count frames."""

    def __init__(self, lookahead: int = 0):
        from config import Config

        self.config, self.chunk_frames = Config(lookahead=lookahead), 1024
        self.backend, self.input_gain_db, self.mask_power = "none", 0.0, 1.0

    def vocals_mask(self, magnitude, states=None):
        return np.full(magnitude.shape, 0.6, np.float32), (states or 0) + len(magnitude)


def test_prior_mixes_repet_sim_into_the_vocals_mask_and_keeps_the_accompaniments():
    song = np.pad(looped(400), ((0, 0), (0, 513 - 64)))
    magnitude = song[:300]
    prior = RepetitionPrior(_Constant(), 0.25, mask_power=1.5, context_frames=1024, **PLAIN)
    masks, (inner_states, context, _) = prior.stem_masks(magnitude)
    repet, _ = repet_sim_masks(magnitude, FRAME_RATE)
    np.testing.assert_allclose(masks[0], post_filter(0.75 * 0.6 + 0.25 * repet, 1.5), atol=1e-6)
    np.testing.assert_allclose(masks[1], post_filter(np.full_like(repet, 0.6), 1.5), atol=1e-6)
    assert inner_states == 300 and len(context) == 300
    # with context, the next chunk is compared with the frames before it too
    later, (_, context, _) = prior.stem_masks(song[300:], (inner_states, context, context))
    both, _ = repet_sim_masks(song, FRAME_RATE)
    np.testing.assert_allclose(later[0], post_filter(0.45 + 0.25 * both[300:], 1.5), atol=1e-6)
    assert len(context) == 400
    # by default (no context) each chunk is compared with itself alone
    prior = RepetitionPrior(_Constant(), 0.25, mask_power=1.5, **PLAIN)
    _, states = prior.stem_masks(magnitude)
    later, (_, context, _) = prior.stem_masks(song[300:], states)
    alone, _ = repet_sim_masks(song[300:], FRAME_RATE)
    np.testing.assert_allclose(later[0], post_filter(0.45 + 0.25 * alone, 1.5), atol=1e-6)
    assert len(context) == 0
    # with pieces, each chunk is cut into the fewest equal pieces no longer than piece_frames
    prior = RepetitionPrior(_Constant(), 0.25, mask_power=1.5, piece_frames=160, **PLAIN)
    masks, _ = prior.stem_masks(magnitude)  # 300 frames: two pieces of 150
    for piece in (slice(0, 150), slice(150, 300)):
        alone, _ = repet_sim_masks(magnitude[piece], FRAME_RATE)
        np.testing.assert_allclose(masks[0][piece], post_filter(0.45 + 0.25 * alone, 1.5), atol=1e-6)
    # with fill_frames, a short piece (a song's last chunk) is compared with the frames before it
    # too, as many as make fill_frames; a long one with itself alone
    prior = RepetitionPrior(_Constant(), 0.25, mask_power=1.5, fill_frames=250, **PLAIN)
    _, states = prior.stem_masks(magnitude)
    assert len(states[1]) == 250
    later, (_, context, _) = prior.stem_masks(song[300:], states)  # 100 frames: 150 before them
    filled, _ = repet_sim_masks(song[150:], FRAME_RATE, first=150)
    np.testing.assert_allclose(later[0], post_filter(0.45 + 0.25 * filled, 1.5), atol=1e-6)
    assert not np.allclose(filled, repet_sim_masks(song[300:], FRAME_RATE)[0])
    masks, _ = prior.stem_masks(magnitude, states)  # 300 frames: none before them
    np.testing.assert_allclose(masks[0], post_filter(0.45 + 0.25 * repet, 1.5), atol=1e-6)
    # repet_seconds: how far apart the neighbours are at least
    prior = RepetitionPrior(_Constant(), 0.25, mask_power=1.5, **{**PLAIN, "repet_seconds": 1.0})
    masks, _ = prior.stem_masks(magnitude)
    closer, _ = repet_sim_masks(magnitude, FRAME_RATE, seconds=1.0)
    np.testing.assert_allclose(masks[0], post_filter(0.45 + 0.25 * closer, 1.5), atol=1e-6)
    assert not np.allclose(closer, repet)
    # scale_distance: repet_seconds for a whole chunk (1,024 frames), a share of it for fewer
    # frames: every such piece ("pieces"), or only an input shorter than a chunk ("input")
    closer, _ = repet_sim_masks(song[:256], FRAME_RATE, seconds=1.0)
    assert not np.allclose(closer, repet_sim_masks(song[:256], FRAME_RATE)[0])
    for scale in ("pieces", "input"):
        prior = RepetitionPrior(_Constant(), 0.25, mask_power=1.5, repet_seconds=4.0, scale_distance=scale,
                                guided=False, vocals_margin=10.0)
        masks, states = prior.stem_masks(song[:256])  # an input of a quarter of a chunk: 1 s
        np.testing.assert_allclose(masks[0], post_filter(0.45 + 0.25 * closer, 1.5), atol=1e-6)
        # a song's last chunk of 256 frames, after earlier frames: its share only with "pieces"
        last, _ = prior.stem_masks(song[:256], states)
        expected = closer if scale == "pieces" else repet_sim_masks(song[:256], FRAME_RATE, seconds=4.0)[0]
        np.testing.assert_allclose(last[0], post_filter(0.45 + 0.25 * expected, 1.5), atol=1e-6)
    with pytest.raises(SvsError, match="scale_distance"):
        RepetitionPrior(_Constant(), 0.25, scale_distance="all")
    # guided: the neighbours picked by the inner separator's accompaniment, (1 - its mask) * magnitudes,
    # also those of the frames kept as context
    inner = _Constant()
    varying = np.random.default_rng(3).uniform(0, 1, song.shape).astype(np.float32)
    inner.vocals_mask = lambda m, states=None: (varying[(states or 0):(states or 0) + len(m)], (states or 0) + len(m))
    prior = RepetitionPrior(inner, 0.25, mask_power=1.5, scale_distance="", guided=True, context_frames=1024,
                            repet_seconds=2.0, vocals_margin=10.0)
    masks, states = prior.stem_masks(magnitude)
    guide = (1 - varying) * song
    guided, _ = repet_sim_masks(magnitude, FRAME_RATE, similar=guide[:300])
    np.testing.assert_allclose(masks[0], post_filter(0.75 * varying[:300] + 0.25 * guided, 1.5), atol=1e-6)
    assert not np.allclose(guided, repet)
    later, _ = prior.stem_masks(song[300:], states)
    guided, _ = repet_sim_masks(song, FRAME_RATE, first=300, similar=guide)
    np.testing.assert_allclose(later[0], post_filter(0.75 * varying[300:] + 0.25 * guided, 1.5), atol=1e-6)
    # the defaults: guided, an input shorter than a chunk (here 300 frames of 1,024) compared
    # with its share of 1 s, and a vocals margin of 5
    default = RepetitionPrior(inner, 0.25, mask_power=1.5)
    assert default.guided and default.scale_distance == "input" and default.repet_seconds == 1.0
    assert default.vocals_margin == 5.0
    masks, _ = default.stem_masks(magnitude)
    guided, _ = repet_sim_masks(magnitude, FRAME_RATE, (2.0, 5.0), similar=guide[:300], seconds=1.0 * 300 / 1024)
    assert not np.allclose(guided, repet_sim_masks(magnitude, FRAME_RATE, similar=guide[:300],
                                                   seconds=1.0 * 300 / 1024)[0])
    np.testing.assert_allclose(masks[0], post_filter(0.75 * varying[:300] + 0.25 * guided, 1.5), atol=1e-6)
    # vocals_margin and neighbours: REPET-SIM's vocals margin, and how many neighbours its median is of
    prior = RepetitionPrior(inner, 0.25, mask_power=1.5, vocals_margin=20.0, neighbours=2.0)
    masks, _ = prior.stem_masks(magnitude)
    other, _ = repet_sim_masks(magnitude, FRAME_RATE, (2.0, 20.0), similar=guide[:300], seconds=1.0 * 300 / 1024,
                               neighbours=2.0)
    np.testing.assert_allclose(masks[0], post_filter(0.75 * varying[:300] + 0.25 * other, 1.5), atol=1e-6)
    assert not np.allclose(other, guided)
    # compare_power: the frames compared by their guide raised to it
    prior = RepetitionPrior(inner, 0.25, mask_power=1.5, compare_power=0.5)
    masks, _ = prior.stem_masks(magnitude)
    other, _ = repet_sim_masks(magnitude, FRAME_RATE, (2.0, 5.0), similar=guide[:300] ** 0.5,
                               seconds=1.0 * 300 / 1024)
    np.testing.assert_allclose(masks[0], post_filter(0.75 * varying[:300] + 0.25 * other, 1.5), atol=1e-6)
    assert not np.allclose(other, guided)
    # uncertainty_power k: the weight in each bin scaled by 1 - |2m - 1|^k, m the inner mask there
    for k in (1.0, 2.0):
        prior = RepetitionPrior(inner, 0.5, mask_power=1.5, uncertainty_power=k)
        masks, _ = prior.stem_masks(magnitude)
        m = varying[:300]
        weight = 0.5 * (1 - np.abs(2 * m - 1) ** k)
        np.testing.assert_allclose(masks[0], post_filter((1 - weight) * m + weight * guided, 1.5), atol=1e-6)
    sure = _Constant()
    sure.vocals_mask = lambda m, states=None: (np.tile(np.float32([0, 1]), m.shape[1] // 2 + 1)[None, :m.shape[1]]
                                                .repeat(len(m), 0), states)
    masks, _ = RepetitionPrior(sure, 0.5, uncertainty_power=1.0).stem_masks(magnitude)
    np.testing.assert_array_equal(masks[0], sure.vocals_mask(magnitude)[0])  # sure everywhere: the networks' mask
    # accompaniment_weight A: the accompaniment cut by (1 - A) of the inner mask's complement and A of
    # REPET-SIM's accompaniment mask, so its complement is (1 - A) m + A (1 - REPET-SIM's), post-filtered
    prior = RepetitionPrior(inner, 0.25, mask_power=1.5, accompaniment_weight=0.4)
    masks, _ = prior.stem_masks(magnitude)
    _, accompaniment = repet_sim_masks(magnitude, FRAME_RATE, (2.0, 5.0), similar=guide[:300], seconds=1.0 * 300 / 1024)
    np.testing.assert_allclose(masks[0], post_filter(0.75 * varying[:300] + 0.25 * guided, 1.5), atol=1e-6)
    np.testing.assert_allclose(masks[1], post_filter(0.6 * varying[:300] + 0.4 * (1 - accompaniment), 1.5), atol=1e-6)
    assert not np.allclose(1 - accompaniment, guided)
    for weight in (-0.1, 1.5):
        with pytest.raises(SvsError, match="accompaniment weight"):
            RepetitionPrior(_Constant(), 0.25, accompaniment_weight=weight)
    with pytest.raises(SvsError, match="uncertainty power"):
        RepetitionPrior(_Constant(), 0.25, uncertainty_power=-1.0)
    for margin, neighbours, power in ((0.0, 1.0, 1.0), (10.0, 0.0, 1.0), (10.0, 1.0, -1.0)):
        with pytest.raises(SvsError, match="REPET-SIM's .* is above 0"):
            RepetitionPrior(_Constant(), 0.25, vocals_margin=margin, neighbours=neighbours, compare_power=power)
    with pytest.raises(SvsError, match="no number"):
        RepetitionPrior(_Constant(), 0.25).configure(margin=5.0)
    for weight in (0.0, 1.5):
        with pytest.raises(SvsError, match="weight"):
            RepetitionPrior(_Constant(), weight)
    with pytest.raises(SvsError, match="lookahead"):
        RepetitionPrior(_Constant(lookahead=2), 0.25)


def test_prior_keeps_the_networks_mask_only_where_repet_sim_has_too_few_frames(monkeypatch):
    magnitude = np.pad(looped(300), ((0, 0), (0, 513 - 64)))
    prior = RepetitionPrior(_Constant(), 0.25, mask_power=1.0)
    masks, _ = prior.stem_masks(magnitude[:4])  # four frames: too few, so the network's 0.6 alone
    np.testing.assert_allclose(masks[0], 0.6, atol=1e-6)

    def broken(*args, **kwargs):
        raise SvsError("something else went wrong")

    monkeypatch.setattr(repetition, "repet_sim_masks", broken)
    with pytest.raises(SvsError, match="something else"):
        prior.stem_masks(magnitude)


def test_stems_of_the_prior_are_cut_by_two_masks(tiny_model):
    from preprocess import istft, stft

    accompaniment, vocals = synthetic_sources(3.0, 4)
    waveform = accompaniment + vocals
    prior = load_separator(tiny_model, repet_weight=0.3)
    assert isinstance(prior, RepetitionPrior) and isinstance(prior.inner, PitchViews)
    assert prior.inner.mask_power == 1.0 and prior.mask_power == 1.5  # post-filtered once, after the mixing
    spectrogram = stft(waveform)
    masks, _ = prior.stem_masks(np.abs(spectrogram))
    stems = prior.separate(waveform, SAMPLE_RATE)
    np.testing.assert_allclose(stems["vocals"], istft(masks[0] * spectrogram, length=len(waveform)), atol=2e-5)
    np.testing.assert_allclose(stems["accompaniment"], waveform - istft(masks[1] * spectrogram, length=len(waveform)),
                               atol=2e-5)
    # the accompaniment is the one the separator gives without the prior; the vocals are not
    plain = load_separator(tiny_model).separate(waveform, SAMPLE_RATE)
    np.testing.assert_allclose(stems["accompaniment"], plain["accompaniment"], atol=2e-5)
    assert np.abs(stems["vocals"] - plain["vocals"]).max() > 1e-3
    assert np.abs(stems["vocals"] + stems["accompaniment"] - waveform).max() > 1e-3  # no longer adds back


@pytest.mark.parametrize("rate,channels,context,pieces,fill", [(16000, 1, 50, None, 0), (44100, 2, 50, None, 0),
                                                               (16000, 1, 0, None, 0), (16000, 1, 0, 25, 0),
                                                               (16000, 1, 0, None, 60), (44100, 1, 20, None, 60)])
def test_prior_streams_in_blocks_as_one_piece(tiny_model, rate, channels, context, pieces, fill):
    t = np.arange(int(2.5 * rate)) / rate
    waveform = np.stack([np.sin(2 * np.pi * (300 + 40 * c) * t * (1 + 0.2 * t)) * 0.4 + 0.2 * np.sign(np.sin(9 * t))
                         for c in range(channels)]).astype(np.float32)
    prior = RepetitionPrior(Separator(tiny_model, chunk_frames=60, mask_power=1.0), 0.5, 1.5, context_frames=context,
                            piece_frames=pieces, fill_frames=fill)
    whole = prior.separate(waveform, rate)
    for got, stem in zip(streamed(prior, waveform, rate, rate // 3, seed=1), ("vocals", "accompaniment")):
        np.testing.assert_allclose(got, whole[stem], atol=1e-5)


def test_main_takes_the_repet_weight(tiny_model, tmp_path, capsys):
    sf.write(tmp_path / "song.wav", synthetic_sources(2.0, 3)[0] + synthetic_sources(2.0, 3)[1], SAMPLE_RATE)
    for label, flags in (("off", ["--repet-weight", "0"]), ("default", []), ("on", ["--repet-weight", "0.4"])):
        assert main.main([str(tmp_path / "song.wav"), "--output-dir", str(tmp_path / label), "--model",
                          str(tiny_model), "--quiet", *flags]) == 0
    off, default, on = ({stem: sf.read(tmp_path / label / f"song_{stem}.wav")[0] for stem in ("src1", "src2")}
                        for label in ("off", "default", "on"))
    for stems in (on, default):  # the recipe's default weight, 0.35, is another prior again
        np.testing.assert_allclose(stems["src1"], off["src1"], atol=1e-5)
        assert np.abs(stems["src2"] - off["src2"]).max() > 1e-3
    assert np.abs(on["src2"] - default["src2"]).max() > 1e-4
    assert load_separator(tiny_model).weight == 0.35
    assert main.main([str(tmp_path / "song.wav"), "--output-dir", str(tmp_path / "bad"), "--model",
                      str(tiny_model), "--repet-weight", "2"]) == 1
    assert "weight is from 0 (off) to 1, got 2.0" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_main_shares_the_cores_with_repet_sims_thread_pools(tiny_model, tmp_path, monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    for name in ("a", "b"):
        sf.write(tmp_path / f"{name}.wav", synthetic_sources(1.0, 3)[0], SAMPLE_RATE)
    seen = []

    def separate_files(separator, plan, *args, **kwargs):  # the pools' sizes while the files are separated
        seen.append({pool["prefix"]: pool["num_threads"] for pool in threadpoolctl.threadpool_info()})
        return []

    monkeypatch.setattr("separator.separate_files", separate_files)
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    def sizes():
        return {pool["filepath"]: pool["num_threads"] for pool in threadpoolctl.threadpool_info()}

    for jobs, share in (("2", 3), ("1", 6), ("3", 3)):  # 3 jobs for 2 files: 2 at once
        with threadpoolctl.threadpool_limits(limits=5):  # wider than the share, whatever this machine has
            before = sizes()
            assert main.main([str(tmp_path), "--output-dir", str(tmp_path / "out"), "--model", str(tiny_model),
                              "--quiet", "--jobs", jobs]) == 0
            assert seen[-1] and set(seen[-1].values()) == {share}, seen[-1]
            after = sizes()
        assert {path: after[path] for path in before} == before  # given back afterwards


def test_a_clip_that_loops_repeats_more_than_one_that_does_not(tmp_path):
    from conftest import experiment

    module = experiment("repetition_by_clip")
    rng = np.random.default_rng(0)

    def tones(count):  # a tenth of a second of each random frequency
        t = np.arange(SAMPLE_RATE // 10) / SAMPLE_RATE
        return np.concatenate([np.sin(2 * np.pi * f * t) for f in rng.uniform(200, 4000, count)])

    clips = {"loop": np.tile(tones(5), 12), "tones": tones(60)}  # the same half second 12 times; 6 s of new tones
    repeats = {}
    for name, accompaniment in clips.items():
        path = tmp_path / f"x_{name}_01.wav"
        vocals = 0.1 * np.sin(2 * np.pi * 440 * np.arange(len(accompaniment)) / SAMPLE_RATE)
        sf.write(path, np.stack([accompaniment, vocals], axis=1), SAMPLE_RATE)
        repeats[name] = module.repetition_of(path)
    assert repeats["loop"] > repeats["tones"] + 0.1, repeats
    assert repeats["loop"] <= 1.0 + 1e-6
