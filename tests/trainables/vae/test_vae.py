"""The VAE family's parts: the KL and ELBO terms, the attribute data set (independent,
deterministic, the fashion-product-images layout), conditional generation requests, and
the multi-label attribute classifier."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats

from gantune.trainables import data
from gantune.trainables.data import products as product
from gantune.trainables.vae.conditions import Conditions
from gantune.trainables.vae.elbo import elbo, kl_divergence


def test_kl_of_the_prior_to_itself_is_zero_and_matches_the_closed_form():
    assert float(kl_divergence(torch.zeros(3, 5), torch.ones(3, 5)).abs().max()) == 0.0
    mean, std = torch.tensor([[1.0, -2.0]]), torch.tensor([[0.5, 2.0]])
    by_hand = sum(0.5 * (m**2 + s**2 - 1 - np.log(s**2)) for m, s in ((1.0, 0.5), (-2.0, 2.0)))
    assert float(kl_divergence(mean, std)) == pytest.approx(by_hand)


@pytest.mark.parametrize("kind", ["bce", "mse"])
def test_elbo_of_a_perfect_reconstruction_is_minus_the_kl(kind):
    images = (torch.rand(4, 1, 8, 8) > 0.5).float()  # binary: a Bernoulli can be exact
    logits = 60.0 * (2 * images - 1)  # sigmoid: 0 or 1 to float precision
    mean, std = torch.randn(4, 3), torch.rand(4, 3) + 0.1
    bound, nll, kl = elbo(logits, images, mean, std, kind)
    assert torch.allclose(nll, torch.zeros(4), atol=1e-6)
    assert torch.allclose(bound, -kl, atol=1e-6)


def test_the_two_attributes_are_independent_and_deterministic():
    _, table = data.load("fashion-attributes", "train")
    counts = pd.crosstab(table["articleType"], table["baseColour"])
    assert counts.shape == (10, 8)
    p_value = stats.chi2_contingency(counts.to_numpy()).pvalue
    assert p_value > 0.001  # no evidence that colour depends on the article
    images, again = data.load("fashion-attributes", "test"), data.load("fashion-attributes", "test")
    assert torch.equal(images[0], again[0]) and images[1].equals(again[1])
    _, other_table = data.load("fashion-attributes", "test", seed=1)
    assert not other_table["baseColour"].equals(images[1]["baseColour"])
    assert list(images[1].columns[:1]) == ["id"] and {"articleType", "baseColour"} <= set(
        images[1].columns
    )


def test_the_export_reads_back_as_a_product_folder(tmp_path):
    root = product.export(tmp_path / "products", "test", limit=20)
    images, table = data.load("image-folder", root=str(root), size=28, test_share=0)
    original, original_table = data.load("fashion-attributes", "test")
    assert table["id"].tolist() == original_table["id"][:20].astype(str).tolist()  # ids: text
    assert table["baseColour"].tolist() == original_table["baseColour"][:20].tolist()
    assert torch.equal(images, original[:20])  # PNG is lossless, the size is the same
    codes = data.attributes("image-folder", table, ("articleType", "baseColour"), root=str(root))
    assert codes.codes.shape == (20, 2)


def test_generation_requests_name_what_is_valid():
    conditions = Conditions(
        "attributes", ("articleType", "baseColour"), (("Sandal", "Bag"), ("Red", "Blue"))
    )
    codes = conditions.request(None, {"articleType": "sandal", "baseColour": "Red"}, 3)
    assert codes.tolist() == [[0, 0]] * 3 and conditions.vector(codes).shape == (3, 4)
    with pytest.raises(
        ValueError, match="unknown attribute colour; valid attributes: articleType, baseColour"
    ):
        conditions.request(None, {"articleType": "Bag", "colour": "Red"}, 1)
    with pytest.raises(ValueError, match="unknown baseColour 'Mauve'; valid values: Red, Blue"):
        conditions.request(None, {"articleType": "Bag", "baseColour": "Mauve"}, 1)
    with pytest.raises(ValueError, match="takes --attr"):
        conditions.request("Bag", {}, 1)


def test_the_attribute_classifier_has_a_head_per_attribute(tmp_path):
    from gantune.trainables.trial import run_local

    config = {
        "family": "classifier", "net": "dense", "dataset": "fashion-attributes",
        "targets": "attributes", "images_per_iter": 4096, "max_iterations": 1,
    }  # fmt: skip
    result = run_local(config, tmp_path, cpus=1)[-1]
    assert result["accuracy_articleType"] > 0.3 and result["accuracy_baseColour"] > 0.3
    assert result["accuracy"] == pytest.approx(
        (result["accuracy_articleType"] + result["accuracy_baseColour"]) / 2
    )
