import numpy as np
import pytest
import tensorflow as tf

from model import Config, build_model, load_model, recipe_config, save_model, separation_loss
from utils import SvsError


@pytest.mark.parametrize("features", ["raw", "log"])
def test_masked_outputs_sum_to_mixture(features):
    model = build_model(Config(num_layers=2, hidden_size=16, features=features))
    magnitude = np.abs(np.random.default_rng(0).standard_normal((2, 7, 513))).astype(np.float32)
    accompaniment, vocals = model(magnitude)
    assert accompaniment.shape == vocals.shape == (2, 7, 513)
    np.testing.assert_allclose(accompaniment + vocals, magnitude, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("head_skip", [False, True])
def test_chunks_with_carried_state_equal_one_piece(head_skip):
    model = build_model(Config(num_layers=2, hidden_size=16, features="log", head_skip=head_skip))
    magnitude = np.abs(np.random.default_rng(1).standard_normal((1, 30, 513))).astype(np.float32)
    _, whole, _ = model.masks(magnitude)
    _, first, states = model.masks(magnitude[:, :13])
    _, second, _ = model.masks(magnitude[:, 13:], states)
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=1e-4, atol=1e-6)


def test_lookahead_pairs_each_frame_with_the_output_d_steps_later():
    model = build_model(Config(num_layers=2, hidden_size=16, features="log", lookahead=3))
    magnitude = np.abs(np.random.default_rng(4).standard_normal((2, 10, 513))).astype(np.float32)
    _, mask_vocals, _ = model.masks(magnitude)
    accompaniment, vocals = model(magnitude)
    assert accompaniment.shape == vocals.shape == (2, 7, 513)  # the last 3 frames have no mask yet
    np.testing.assert_allclose(vocals, mask_vocals[:, 3:] * magnitude[:, :7], rtol=1e-6)
    np.testing.assert_allclose(accompaniment + vocals, magnitude[:, :7], rtol=1e-4, atol=1e-5)


def test_impossible_settings_are_a_clear_error():
    with pytest.raises(SvsError, match="lookahead"):
        Config(frames=10, lookahead=10)
    with pytest.raises(SvsError, match="lookahead"):
        Config(lookahead=-1)
    with pytest.raises(SvsError, match="head_skip .* lookahead"):
        Config(head_skip=True, lookahead=2)
    with pytest.raises(SvsError, match="0 \\(off\\) or above.*got accompaniment_shift -4"):
        Config(accompaniment_shift=-4)
    with pytest.raises(SvsError, match="pitch_steps"):
        Config(pitch_steps=0)
    with pytest.raises(SvsError, match="got view_shift -2"):
        Config(view_shift=-2)
    with pytest.raises(SvsError, match="mask_power"):
        Config(mask_power=0)
    with pytest.raises(SvsError, match="time_stretch"):
        Config(time_stretch=-0.2)
    with pytest.raises(SvsError, match="remix_probability"):
        Config(remix_probability=1.5)
    with pytest.raises(SvsError, match="counts of at least 1: got batch_size 0, iterations 0"):
        Config(batch_size=0, iterations=0)
    with pytest.raises(SvsError, match="features must be one of raw, log, got 'foo'"):
        Config(features="foo")
    with pytest.raises(SvsError, match="lr_schedule"):
        Config(lr_schedule="step")
    with pytest.raises(SvsError, match="mixing"):
        Config(mixing="-6db")
    with pytest.raises(SvsError, match="learning_rate"):
        Config(learning_rate=0)
    with pytest.raises(SvsError, match="dropout"):
        Config(dropout=1.5)
    with pytest.raises(SvsError, match="finite numbers: got view_shift nan"):
        Config(view_shift=float("nan"))


def test_save_and_load_rebuild_from_config(tmp_path):
    model = build_model(recipe_config("context", num_layers=1, hidden_size=12))
    model.set_feature_statistics(np.abs(np.random.default_rng(2).standard_normal((50, 513))))
    save_model(model, tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.config == model.config
    magnitude = np.ones((1, 4, 513), np.float32)
    np.testing.assert_allclose(loaded(magnitude)[1], model(magnitude)[1], rtol=1e-6)
    with pytest.raises(SvsError, match="no model"):
        load_model(tmp_path / "missing")


def test_discriminative_term_rewards_separating_sources():
    accompaniment, vocals = tf.ones((1, 2, 3)), tf.zeros((1, 2, 3))
    plain = separation_loss(accompaniment, vocals, accompaniment * 0.5, vocals)
    discriminative = separation_loss(accompaniment, vocals, accompaniment * 0.5, vocals, 0.05)
    assert float(plain) == pytest.approx(0.25)
    assert float(discriminative) == pytest.approx(0.25 - 0.05 * (1 + 0.25))


def test_compressed_loss_compares_magnitudes_raised_to_the_power():
    accompaniment, vocals = tf.fill((1, 2, 3), 4.0), tf.fill((1, 2, 3), 0.25)
    loss = separation_loss(accompaniment, vocals, accompaniment * 0.25, vocals * 4, power=0.5)
    assert float(loss) == pytest.approx((2 - 1) ** 2 + (0.5 - 1) ** 2, rel=1e-4)
    assert float(separation_loss(accompaniment, vocals, accompaniment * 0.25, vocals * 4)) == pytest.approx(
        (4 - 1) ** 2 + (0.25 - 1) ** 2)
    with pytest.raises(SvsError, match="loss_power"):
        Config(loss_power=0)


def test_normalised_loss_weighs_quiet_and_loud_windows_the_same():
    rng = np.random.default_rng(5)
    accompaniment, vocals = (tf.constant(np.abs(rng.standard_normal((2, 4, 3))), tf.float32) for _ in range(2))
    estimates = (accompaniment * 0.5, vocals * 1.5)
    loud = tf.constant([[[1.0]], [[100.0]]])  # the second window 40 dB louder
    plain = [float(separation_loss(accompaniment * g, vocals * g, *(e * g for e in estimates)))
             for g in (1.0, loud)]
    normalised = [float(separation_loss(accompaniment * g, vocals * g, *(e * g for e in estimates), normalise=True))
                  for g in (1.0, loud)]
    assert plain[1] > 1000 * plain[0]  # plain MSE: the loud window decides
    assert normalised[1] == pytest.approx(normalised[0], rel=1e-5)  # normalised: unchanged by levels
    # one window alone: its error over its energy
    a, v = accompaniment[:1], vocals[:1]
    expected = float(tf.reduce_mean(tf.square(a * 0.5) + tf.square(v * 0.5)) / tf.reduce_mean(a ** 2 + v ** 2))
    assert float(separation_loss(a, v, a * 0.5, v * 1.5, normalise=True)) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("head_skip", [False, True])
def test_inference_path_equals_training_path_and_ignores_padding(head_skip):
    model = build_model(Config(num_layers=2, hidden_size=16, features="log", head_skip=head_skip))
    rng = np.random.default_rng(3)
    magnitude = np.abs(rng.standard_normal((1, 12, 513))).astype(np.float32)
    states = [0.1 * rng.standard_normal((1, 16)).astype(np.float32) for _ in range(2)]
    _, expected, expected_states = model.masks(magnitude[:, :9], states)
    valid = np.arange(12)[None] < 9  # the last 3 frames are padding
    mask, final_states = model.inference_masks(magnitude, states, valid)
    np.testing.assert_allclose(mask[:, :9], expected, atol=1e-4)  # masks are ratios of ReLU heads
    for got, want in zip(final_states, expected_states):
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_keep_hides_bins_and_frames_from_the_network_on_both_training_paths():
    model = build_model(Config(num_layers=1, hidden_size=8, features="log"))
    rng = np.random.default_rng(4)
    magnitude = np.abs(rng.standard_normal((3, 5, 513))).astype(np.float32)
    keep = np.ones((3, 5, 513), np.float32)
    keep[0, :, 100:140] = 0  # a band (frequency masking)
    keep[1, 2:4] = 0  # two frames (time masking)
    features = model.features(magnitude, keep).numpy()
    assert (features[0, :, 100:140] == 0).all() and (features[1, 2:4] == 0).all()  # the training data's mean
    np.testing.assert_allclose(features[2], model.features(magnitude)[2])
    moved = magnitude.copy()
    moved[0, :, 100:140] *= 10  # what the network cannot hear does not change its masks
    moved[1, 2:4] *= 10
    for path in (model.training_masks, lambda m, k: model.masks(m, training=True, keep=k)[:2]):
        np.testing.assert_allclose(path(magnitude, keep)[1], path(moved, keep)[1], atol=1e-6)
        assert not np.allclose(path(magnitude, None)[1], path(moved, None)[1])


def test_training_path_equals_keras_gru_in_outputs_and_gradients():
    model = build_model(Config(num_layers=2, hidden_size=16, features="log"))
    rng = np.random.default_rng(6)
    features = tf.constant(rng.standard_normal((3, 11, 513)).astype(np.float32))
    weights = tf.constant(rng.standard_normal((3, 11, 16)).astype(np.float32))
    zeros = [tf.zeros((3, 16)) for _ in model.grus]

    def keras_grus():
        hidden = features
        for gru in model.grus:
            hidden, _ = gru(hidden, training=True)
        return hidden

    variables = [v for gru in model.grus for v in gru.trainable_variables]
    results = []
    for grus in (keras_grus, lambda: model._projected_grus(features, zeros)[0]):
        with tf.GradientTape() as tape:
            hidden = grus()  # (batch, frames, hidden)
            loss = tf.reduce_sum(hidden * weights)
        results.append((hidden, tape.gradient(loss, variables)))
    (keras_hidden, keras_gradients), (projected_hidden, projected_gradients) = results
    np.testing.assert_allclose(projected_hidden, keras_hidden, atol=1e-5)
    for got, want in zip(projected_gradients, keras_gradients):  # float32 sums: compare whole tensors
        assert float(tf.norm(got - want) / tf.norm(want)) < 1e-4
    magnitude = np.exp(features.numpy())
    for got, want in zip(model.training_masks(magnitude), model.masks(magnitude, training=True)[:2]):
        np.testing.assert_allclose(got, want, atol=1e-3)


def test_head_skip_lets_the_heads_hear_each_frames_features_on_every_path():
    model = build_model(Config(num_layers=1, hidden_size=8, features="log", head_skip=True))
    for head in (model.accompaniment_head, model.vocals_head):
        assert head.kernel.shape == (8 + 513, 513)  # the GRU's output, then the frame's features
        kernel = head.kernel.numpy()
        kernel[:8] = 0  # deaf to the GRU: each frame's masks come from its own features alone
        head.kernel.assign(kernel)
    rng = np.random.default_rng(7)
    magnitude = np.abs(rng.standard_normal((1, 9, 513))).astype(np.float32) + 0.1
    moved = magnitude.copy()
    moved[:, 4] *= 3  # only frame 4 changes
    states = [np.zeros((1, 8), np.float32)]
    valid = np.ones((1, 9), bool)
    for path in (lambda m: model.masks(m)[1], lambda m: model.training_masks(m)[1],
                 lambda m: model.inference_masks(m, states, valid)[0]):
        before, after = path(magnitude).numpy(), path(moved).numpy()
        assert not np.allclose(before[:, 4], after[:, 4])
        np.testing.assert_allclose(np.delete(before, 4, axis=1), np.delete(after, 4, axis=1), atol=1e-6)


def test_quiet_import_leaves_scikit_learn_importable():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, model; assert 'sklearn' not in sys.modules; "
            "import sklearn.base; print(model.keras.__name__, sklearn.base.__name__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.split() == ["keras", "sklearn.base"], result.stderr[-2000:]


def test_context_recipe_hears_the_middle_of_its_training_levels():
    from config import RECIPES
    from preprocess import Augmentation

    assert RECIPES["context"]["input_gain_db"] == sum(Augmentation().level_db) / 2
