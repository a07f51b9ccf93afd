import numpy as np
import pytest
import soundfile as sf

from conftest import SAMPLE_RATE, synthetic_sources, write_clip
from config import Config
from preprocess import (Augmentation, BatchSampler, istft, load_audio, load_mir1k_clip, phase_sensitive_target, stft,
                        warp_formants)
from utils import SvsError


def test_stft_round_trip_and_shape():
    accompaniment, vocals = synthetic_sources(1.3, 1)
    mixture = accompaniment + vocals
    spectrogram = stft(mixture)
    assert spectrogram.shape == (1 + len(mixture) // 256, 513)  # (frames, bins)
    restored = istft(spectrogram, length=len(mixture))
    assert np.max(np.abs(restored - mixture)) < 1e-5


def test_mir1k_clip_channels_and_mixing(tmp_path):
    path = write_clip(tmp_path / "amy_1_01.wav", 1.0, 3)
    mixture, accompaniment, vocals = load_mir1k_clip(path, "sum")
    left_right, _ = load_audio(path, sample_rate=None, mono=False)
    np.testing.assert_array_equal(accompaniment, left_right[0])  # left = accompaniment
    np.testing.assert_array_equal(vocals, left_right[1])
    np.testing.assert_allclose(mixture, accompaniment + vocals)
    mixture, accompaniment, vocals = load_mir1k_clip(path, "0db")
    assert np.sum(vocals**2) == pytest.approx(np.sum(accompaniment**2), rel=1e-4)
    np.testing.assert_allclose(mixture, accompaniment + vocals)
    with pytest.raises(SvsError):
        load_mir1k_clip(path, "loud")


def test_load_audio_resamples_and_rejects_non_audio(tmp_path):
    sf.write(tmp_path / "a.flac", np.zeros((44100, 2), np.float32), 44100)
    audio, rate = load_audio(tmp_path / "a.flac")
    assert rate == SAMPLE_RATE and audio.shape == (SAMPLE_RATE,)
    (tmp_path / "b.wav").write_text("not audio")
    with pytest.raises(SvsError, match="b.wav"):
        load_audio(tmp_path / "b.wav")


def test_files_libsndfile_cannot_read_are_decoded_by_audioread(tmp_path, monkeypatch):
    import preprocess

    rng = np.random.default_rng(0)
    stereo = np.round(rng.uniform(-0.5, 0.5, (3000, 2)) * 32768) / 32768  # exact in 16 bits
    sf.write(tmp_path / "song.wav", stereo, 22050, subtype="PCM_16")

    def libsndfile_cannot(*args, **kwargs):  # as for an M4A (audioread reads this WAV with the standard library)
        raise RuntimeError("Format not recognised.")

    monkeypatch.setattr(preprocess.sf, "read", libsndfile_cannot)
    audio, rate = load_audio(tmp_path / "song.wav", sample_rate=None, mono=False)
    assert rate == 22050 and audio.dtype == np.float32
    np.testing.assert_array_equal(audio, stereo.T.astype(np.float32))
    (tmp_path / "song.m4a").write_bytes(b"not audio at all")
    with pytest.raises(SvsError, match="need ffmpeg installed"):
        load_audio(tmp_path / "song.m4a")


def test_sampler_shapes_and_augmentation(mir1k):
    files = sorted((mir1k / "Wavfile").glob("amy_*.wav"))
    sampler = BatchSampler(files, mixing="0db")
    rng = np.random.default_rng(0)
    mixture, accompaniment, vocals, level = sampler.sample(64, 10, rng)
    assert mixture.shape == accompaniment.shape == vocals.shape == (64, 10, 513)
    assert np.all(level == 1)
    # without augmentation the mixture magnitude is that of a real clip window's sum
    assert np.all(mixture <= accompaniment + vocals + 1e-4)
    # windows longer than a clip are zero-padded, and augmentation draws input levels
    mixture, _, _, level = sampler.sample(3, 200, rng, Augmentation(level_db=(-30, -20)))
    assert mixture.shape == (3, 200, 513)
    assert np.all((level > 10 ** (-30 / 20) - 1e-6) & (level < 10 ** (-20 / 20) + 1e-6))


def test_phase_sensitive_target_is_the_source_in_line_with_the_mixture():
    y = np.array([2 + 0j, 1j, 3 + 0j])
    in_line, at_right_angles = np.array([1 + 0j, 0.5j, 0]), np.array([0, 0, 1j])
    np.testing.assert_allclose(phase_sensitive_target(in_line + at_right_angles, y), [1, 0.5, 0])
    np.testing.assert_allclose(phase_sensitive_target(np.array([-1 + 0j, 2j, 5 + 0j]), y), [0, 1, 3])  # truncated
    rng = np.random.default_rng(0)
    a, v = (rng.normal(size=(50, 513)) + 1j * rng.normal(size=(50, 513)) for _ in range(2))
    target_a, target_v = phase_sensitive_target(a, a + v), phase_sensitive_target(v, a + v)
    assert np.all(target_v >= 0) and np.all(target_v <= np.minimum(np.abs(v), np.abs(a + v)) + 1e-5)
    assert 0 < np.mean(target_v == 0) < 0.5  # some bins truncated, most not
    # two sources' targets add up to the mixture's magnitude, truncated or not: a mask pair can hit both
    np.testing.assert_allclose(target_a + target_v, np.abs(a + v), rtol=1e-5)


def test_sampler_phase_sensitive_targets(mir1k):
    files = sorted((mir1k / "Wavfile").glob("amy_*.wav"))
    sampler = BatchSampler(files, mixing="0db")
    for augmentation in (None, Augmentation()):
        plain = sampler.sample(8, 20, np.random.default_rng(1), augmentation)
        sensitive = sampler.sample(8, 20, np.random.default_rng(1), augmentation, phase_sensitive=True)
        np.testing.assert_array_equal(plain[0], sensitive[0])  # the same mixtures
        np.testing.assert_array_equal(plain[3], sensitive[3])
        np.testing.assert_allclose(sensitive[1] + sensitive[2], sensitive[0], rtol=1e-4, atol=1e-6)
        assert np.all(sensitive[2] <= plain[2] * (1 + 1e-5) + 1e-7) and not np.allclose(sensitive[2], plain[2])


def test_pitch_shifted_vocal_versions(mir1k):
    files = sorted((mir1k / "Wavfile").glob("abjones_*.wav"))[:2]
    sampler = BatchSampler(files, mixing="0db", pitch_shift=4.0)
    assert [len(v) for v in sampler.vocals] == [5, 5]
    original, lowest, highest = sampler.vocals[0][0], sampler.vocals[0][1], sampler.vocals[0][4]
    assert len(lowest) > len(original) > len(highest)  # lower = slower = longer
    # the vocal tone's strongest bin moves down and up by about 4 semitones
    peak = lambda spectrogram: np.argmax(np.abs(spectrogram).mean(axis=0))
    assert peak(lowest) < peak(original) < peak(highest)
    mixture, _, _, _ = sampler.sample(8, 20, np.random.default_rng(0), Augmentation())
    assert mixture.shape == (8, 20, 513)
    # pitch_steps 4: four versions each side, the outermost the same +-4 semitones as with two
    dense = BatchSampler(files[:1], mixing="0db", pitch_shift=4.0, pitch_steps=4).vocals[0]
    assert len(dense) == 9
    np.testing.assert_allclose(dense[1], lowest, atol=1e-5)
    np.testing.assert_allclose(dense[8], highest, atol=1e-5)
    assert len(dense[1]) > len(dense[2]) > len(dense[3]) > len(dense[4]) > len(original)


def test_time_stretched_vocal_versions(mir1k):
    files = sorted((mir1k / "Wavfile").glob("abjones_*.wav"))[:1]
    plain = BatchSampler(files, mixing="0db", pitch_shift=4.0).vocals[0]
    stretched = BatchSampler(files, mixing="0db", pitch_shift=4.0, time_stretch=0.25).vocals[0]
    assert len(stretched) == 7  # the original and four pitch versions, then 1.25 times faster and slower
    for kept, again in zip(plain, stretched[:5]):
        np.testing.assert_array_equal(again, kept)
    faster, slower = stretched[5], stretched[6]
    assert abs(len(faster) * 1.25 - len(plain[0])) <= 3 and abs(len(slower) / 1.25 - len(plain[0])) <= 3
    # the pitch stays: the vocal tone's strongest bin does not move
    peak = lambda spectrogram: np.argmax(np.abs(spectrogram).mean(axis=0))
    assert peak(faster) == peak(plain[0]) == peak(slower)
    with pytest.raises(SvsError, match="time_stretch"):
        BatchSampler(files, time_stretch=-0.1)


def test_pitch_shifted_vocals_can_keep_their_formants(mir1k):
    files = sorted((mir1k / "Wavfile").glob("abjones_*.wav"))[:1]
    moved = BatchSampler(files, mixing="0db", pitch_shift=4.0).vocals[0]
    kept = BatchSampler(files, mixing="0db", pitch_shift=4.0, pitch_formants="keep").vocals[0]
    both = BatchSampler(files, mixing="0db", pitch_shift=4.0, pitch_formants="both").vocals[0]
    assert len(moved) == len(kept) == 5 and len(both) == 9
    np.testing.assert_array_equal(kept[0], moved[0])  # the original is untouched
    for i in range(1, 5):  # same pitch and phases as the resampled version, another envelope
        np.testing.assert_allclose(np.angle(kept[i]), np.angle(moved[i]), atol=1e-4)
        assert not np.allclose(np.abs(kept[i]), np.abs(moved[i]))
        np.testing.assert_array_equal(both[i], moved[i])
        np.testing.assert_array_equal(both[4 + i], kept[i])
    # formants that follow a share of the shift: none of it is "keep", half of it lies between
    none = BatchSampler(files, mixing="0db", pitch_shift=4.0, formant_follow=0.0).vocals[0]
    half = BatchSampler(files, mixing="0db", pitch_shift=4.0, formant_follow=0.5).vocals[0]
    both_half = BatchSampler(files, mixing="0db", pitch_shift=4.0, pitch_formants="both", formant_follow=0.5).vocals[0]
    np.testing.assert_array_equal(half[0], moved[0])
    for i in range(1, 5):
        np.testing.assert_allclose(none[i], kept[i], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.angle(half[i]), np.angle(moved[i]), atol=1e-4)
        assert not np.allclose(np.abs(half[i]), np.abs(moved[i])) and not np.allclose(np.abs(half[i]), np.abs(kept[i]))
        np.testing.assert_array_equal(both_half[i], half[i])
        np.testing.assert_array_equal(both_half[4 + i], kept[i])  # the kept versions warp the resampled ones
    for bad in (-0.1, 1.5):
        with pytest.raises(SvsError, match="formant_follow"):
            BatchSampler(files, formant_follow=bad)
        with pytest.raises(SvsError, match="formant_follow"):
            Config(formant_follow=bad)
    with pytest.raises(SvsError, match="pitch_formants"):
        BatchSampler(files, pitch_formants="shift")
    with pytest.raises(SvsError, match="pitch_formants"):
        Config(pitch_formants="shift")


def test_shifted_accompaniment_versions_are_drawn_only_when_augmenting(mir1k):
    files = sorted((mir1k / "Wavfile").glob("amy_*.wav"))[:2]
    sampler = BatchSampler(files, mixing="0db", accompaniment_shift=4.0)
    assert [len(a) for a in sampler.accompaniment] == [5, 5] and [len(v) for v in sampler.vocals] == [1, 1]
    original, lowest = sampler.accompaniment[0][0], sampler.accompaniment[0][1]
    assert len(lowest) > len(original)
    plain = BatchSampler(files, mixing="0db")
    for augmentation in (None, Augmentation(remix_probability=0.0, level_db=(0, 0))):
        batches = [s.sample(16, 20, np.random.default_rng(5), augmentation)[1] for s in (plain, sampler)]
        assert np.allclose(*batches) == (augmentation is None)  # shifted backings only when augmenting


def test_equaliser_augmentation_is_smooth_bounded_and_changes_the_balance(mir1k):
    augmentation = Augmentation(eq_db=6.0)
    rng = np.random.default_rng(1)
    curves = np.array([20 * np.log10(augmentation.equaliser(513, rng)) for _ in range(200)])
    assert np.abs(curves).max() <= 6.0 + 1e-4
    assert np.abs(curves).max() > 3.0  # it does move levels
    assert np.abs(np.diff(curves, axis=1)).max() < 0.5  # smooth across bins, no per-bin noise
    files = sorted((mir1k / "Wavfile").glob("amy_*.wav"))[:2]
    sampler = BatchSampler(files, mixing="0db")
    plain = sampler.sample(4, 20, np.random.default_rng(3), Augmentation(level_db=(0, 0)))
    equalised = sampler.sample(4, 20, np.random.default_rng(3), Augmentation(level_db=(0, 0), eq_db=6.0))
    assert not np.allclose(plain[2], equalised[2])


def test_frequency_keep_hides_up_to_two_bands_per_window():
    keep = Augmentation(frequency_mask=30).frequency_keep(400, 513, np.random.default_rng(2))
    assert keep.shape == (400, 513) and set(np.unique(keep)) == {0.0, 1.0}
    hidden = (keep == 0).sum(axis=1)
    assert hidden.max() <= 60 and hidden.max() > 30  # two bands, each of up to 30 bins
    edges = np.diff(np.pad(keep, ((0, 0), (1, 1)), constant_values=1), axis=1)
    assert (edges < 0).sum(axis=1).max() <= 2  # at most two runs of hidden bins in a window
    assert len({row.tobytes() for row in keep}) > 300  # each window its own bands
    assert (Augmentation().frequency_keep(8, 513, np.random.default_rng(2)) == 1).all()  # 0 bins: off


def test_input_keep_hides_whole_bands_and_whole_frames():
    keep = Augmentation(frequency_mask=30, time_mask=10).input_keep(50, 100, 513, np.random.default_rng(4))
    assert keep.shape == (50, 100, 513) and set(np.unique(keep)) == {0.0, 1.0}
    heard_frames = keep.any(axis=2)  # frames with at least one bin heard
    heard_bins = keep.any(axis=1)
    assert (keep == heard_frames[:, :, None] * heard_bins[:, None, :]).all()  # a band hides every frame, a span every bin
    assert (~heard_frames).sum(axis=1).max() <= 20 and (~heard_frames).any()  # two spans of up to 10 frames
    assert (~heard_bins).sum(axis=1).max() <= 60 and (~heard_bins).any()
    rng = np.random.default_rng(4)  # time masking added after the frequency bands, drawn as before it existed
    assert (keep.max(axis=1) == Augmentation(frequency_mask=30).frequency_keep(50, 513, rng)).all()
    assert Augmentation().input_keep(2, 100, 513, rng) is None  # both off: nothing to hide


def test_formant_warp_moves_the_envelope_and_keeps_the_pitch():
    time = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    pitch, formant = 200.0, 1000.0  # harmonics of 200 Hz under one formant at 1 kHz
    voice = sum(np.exp(-((h * pitch - formant) / 300) ** 2) * np.sin(2 * np.pi * h * pitch * time)
                for h in range(1, 35)).astype(np.float32)
    spectrogram = stft(voice)
    harmonics = np.round(np.arange(1, 35) * pitch * 1024 / SAMPLE_RATE).astype(int)

    def strongest_harmonic_hz(s):
        return harmonics[np.argmax(np.abs(s).mean(axis=0)[harmonics])] * SAMPLE_RATE / 1024

    assert strongest_harmonic_hz(spectrogram) == pytest.approx(1000, abs=16)
    up, down = warp_formants(spectrogram, 2 ** (4 / 12)), warp_formants(spectrogram, 2 ** (-4 / 12))
    assert strongest_harmonic_hz(up) == pytest.approx(1200, abs=16)  # envelope peak at 1260 Hz
    assert strongest_harmonic_hz(down) == pytest.approx(800, abs=16)  # at 794 Hz
    near_harmonics = np.unique(np.clip(harmonics[:, None] + np.arange(-2, 3), 0, 512))  # their main lobes

    def share_near_harmonics(s):
        magnitude = np.abs(s).mean(axis=0)
        return magnitude[near_harmonics].sum() / magnitude.sum()

    assert share_near_harmonics(spectrogram) > 0.9
    for warped in (up, down):  # the pitch stays: the energy is still on the same harmonics
        assert share_near_harmonics(warped) > 0.9
        np.testing.assert_allclose(np.angle(warped), np.angle(spectrogram), atol=1e-4)
    np.testing.assert_allclose(warp_formants(spectrogram, 1.0), spectrogram, rtol=1e-5, atol=1e-7)


def test_formant_augmentation_changes_vocals_only(mir1k):
    files = sorted((mir1k / "Wavfile").glob("amy_*.wav"))[:2]
    sampler = BatchSampler(files, mixing="0db")
    plain = sampler.sample(4, 20, np.random.default_rng(3), Augmentation(level_db=(0, 0)))
    shifted = sampler.sample(4, 20, np.random.default_rng(3), Augmentation(level_db=(0, 0), formant_shift=4.0))
    # the first example draws the same windows and gains; only its vocals are warped
    np.testing.assert_array_equal(plain[1][0], shifted[1][0])
    assert not np.allclose(plain[2][0], shifted[2][0])
    with pytest.raises(SvsError, match="formant_shift"):
        Config(formant_shift=-1)


def test_reversed_windows_play_backwards(mir1k):
    files = sorted((mir1k / "Wavfile").glob("amy_*.wav"))[:2]
    sampler = BatchSampler(files, mixing="0db")
    plain = sampler.sample(4, 20, np.random.default_rng(3), Augmentation(level_db=(0, 0)))
    reversed_ = sampler.sample(4, 20, np.random.default_rng(3), Augmentation(level_db=(0, 0), reverse_probability=1.0))
    # the first example draws the same windows and gains; mixture and both sources run backwards
    for plain_part, reversed_part in zip(plain[:3], reversed_[:3]):
        assert not np.allclose(plain_part[0], reversed_part[0])
        np.testing.assert_array_equal(plain_part[0][::-1], reversed_part[0])
    with pytest.raises(SvsError, match="reverse_probability"):
        Config(reverse_probability=1.5)


def test_a_second_accompaniment_is_summed_with_the_first(mir1k):
    files = sorted((mir1k / "Wavfile").glob("amy_*.wav"))[:1]
    sampler = BatchSampler(files, mixing="0db")
    # one clip, and windows longer than it: both accompaniment windows are the whole clip from its start
    frames = len(sampler.accompaniment[0][0]) + 5
    no_gains = dict(level_db=(0, 0), voice_gain_db=0.0)
    plain = sampler.sample(2, frames, np.random.default_rng(4), Augmentation(**no_gains))
    doubled = sampler.sample(2, frames, np.random.default_rng(4), Augmentation(**no_gains, second_accompaniment=1.0))
    np.testing.assert_array_equal(plain[2], doubled[2])  # the vocals are untouched
    np.testing.assert_allclose(doubled[1], np.sqrt(2) * plain[1], rtol=1e-5)  # (a + a) / sqrt(2)
    assert not np.allclose(plain[0], doubled[0])
    with pytest.raises(SvsError, match="second_accompaniment"):
        Config(second_accompaniment=-0.1)


def test_voice_gain_moves_the_voice_to_accompaniment_level_within_its_range(mir1k):
    files = sorted((mir1k / "Wavfile").glob("amy_*.wav"))[:2]
    sampler = BatchSampler(files, mixing="0db")
    _, accompaniment0, vocals0, _ = sampler.sample(16, 20, np.random.default_rng(5),
                                                   Augmentation(voice_gain_db=0.0, level_db=(0, 0)))
    _, accompaniment, vocals, _ = sampler.sample(16, 20, np.random.default_rng(5),
                                                 Augmentation(voice_gain_db=10.0, level_db=(0, 0)))
    # the same windows, the voice scaled by g and the accompaniment by 1/g: a level change of 40 log10(g) dB
    heard = (np.sum(vocals0**2, axis=(1, 2)) > 0) & (np.sum(accompaniment0**2, axis=(1, 2)) > 0)
    assert heard.sum() >= 8
    accompaniment0, vocals0, accompaniment, vocals = (x[heard] for x in (accompaniment0, vocals0, accompaniment, vocals))
    voice_gain = np.sqrt(np.sum(vocals**2, axis=(1, 2)) / np.sum(vocals0**2, axis=(1, 2)))
    accompaniment_gain = np.sqrt(np.sum(accompaniment**2, axis=(1, 2)) / np.sum(accompaniment0**2, axis=(1, 2)))
    np.testing.assert_allclose(voice_gain * accompaniment_gain, 1.0, rtol=1e-4)
    shift_db = 40 * np.log10(voice_gain)
    assert np.all(np.abs(shift_db) <= 10 + 1e-3) and np.ptp(shift_db) > 5
    with pytest.raises(SvsError, match="voice_gain_db"):
        Config(voice_gain_db=-1)
