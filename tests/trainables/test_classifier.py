import pytest
import torch

from gantune.spaces.registry import UnknownNameError
from gantune.trainables import data
from gantune.trainables.classifier import ClassifierConfig, FitConfig, accuracy, build, fit
from gantune.trainables.classifier.robustness import fgsm, robustness_table
from gantune.trainables.nets.classifier import CLASSIFIER_NETS, fold_batch_norm


@pytest.fixture(scope="module")
def small_split():
    images, labels = data.load("fashion-mnist", "train")
    return images[:3000], labels[:3000], images[3000:4000], labels[3000:4000]


@pytest.mark.parametrize(
    "net",
    [
        pytest.param(n, marks=pytest.mark.slow) if n == "cnn2" else n
        for n in CLASSIFIER_NETS.names()
    ],
)
def test_every_classifier_net_learns(net, small_split):
    train_x, train_y, test_x, test_y = small_split
    torch.manual_seed(0)
    model = build(net, train_x, 10)
    fit(model, train_x, train_y, FitConfig(epochs=1, batch_size=64), torch.device("cpu"))
    assert accuracy(model, test_x, test_y) > 0.6
    assert model.features(test_x[:4].float() / 255).dim() == 2


def test_training_is_deterministic_for_a_seed(small_split):
    train_x, train_y, _, _ = small_split

    def run():
        torch.manual_seed(0)
        model = build("feature-cnn", train_x[:512], 10)
        fit(
            model,
            train_x[:512],
            train_y[:512],
            FitConfig(epochs=1, shift=1, seed=3),
            torch.device("cpu"),
        )
        return model.state_dict()

    first, second = run(), run()
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_folded_batch_norm_gives_the_same_outputs(small_split):
    train_x, train_y, test_x, _ = small_split
    model = build("feature-cnn", train_x, 10)
    fit(model, train_x[:512], train_y[:512], FitConfig(epochs=1), torch.device("cpu"))
    inputs = test_x[:64].float() / 255
    with torch.no_grad():
        assert torch.allclose(
            model.eval().features(inputs), fold_batch_norm(model).features(inputs), atol=1e-4
        )


def test_unknown_net_fails_before_any_data_is_read():
    with pytest.raises(UnknownNameError, match="valid choices: cnn2, dense, feature-cnn"):
        ClassifierConfig(net="resnet")


def test_fgsm_nonzero_variant_leaves_the_background_alone(small_split):
    train_x, _, test_x, test_y = small_split
    model = build("dense", train_x, 10)
    inputs = test_x[:32].float() / 255
    adversarial = fgsm(model, inputs, test_y[:32], 0.1, "nonzero")
    assert torch.equal(adversarial[inputs == 0], inputs[inputs == 0])
    plain = fgsm(model, inputs, test_y[:32], 0.1, "plain")
    assert (plain[inputs == 0] > 0).any()


def test_robustness_falls_with_epsilon(small_split):
    train_x, train_y, test_x, test_y = small_split
    torch.manual_seed(0)
    model = build("dense", train_x, 10)
    fit(model, train_x, train_y, FitConfig(epochs=2), torch.device("cpu"))
    table = robustness_table(model, test_x, test_y, epsilons=(0.0, 0.1, 0.25))
    assert table.loc[0.0, "plain"] == pytest.approx(accuracy(model, test_x, test_y))
    assert (
        table["plain"].is_monotonic_decreasing
        and table.loc[0.25, "plain"] < 0.5 * table.loc[0.0, "plain"]
    )
    assert (table["nonzero"] >= table["plain"] - 0.02).all()  # fewer pixels perturbed, less damage


def test_the_classifier_command_encodes_test_labels_with_the_training_names(tmp_path, monkeypatch):
    """Regression: test labels were encoded on their own, so codes shifted between splits
    (train [0, 1, 2] against test [0, 1] when the test split lacked a class)."""
    from PIL import Image

    from gantune.trainables.classifier import standalone
    from gantune.trainables.metrics.fitting import FitConfig

    for split, names in (("train", ("a", "b", "c")), ("test", ("a", "c"))):
        for name in names:
            folder = tmp_path / split / name
            folder.mkdir(parents=True)
            Image.new("RGB", (8, 8), (10 * len(name), 0, 0)).save(folder / "0.png")
    seen = {}
    monkeypatch.setattr(standalone, "fit", lambda *args, **kwargs: None)
    monkeypatch.setattr(standalone, "accuracy", lambda m, images, ids: seen.setdefault("ids", ids))
    config = standalone.ClassifierConfig(
        net="dense", dataset="image-folder", dataset_options={"root": str(tmp_path), "size": 8},
        fit=FitConfig(epochs=1),
    )  # fmt: skip
    standalone.train(config, torch.device("cpu"))
    assert seen["ids"].tolist() == [0, 2]  # c keeps its training code
