"""`gantune classifier train NET`, `gantune classifier fgsm`, `gantune classifier table`."""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from gantune.trainables import data
from gantune.trainables.classifier import ClassifierConfig, FitConfig, accuracy, build, train
from gantune.trainables.classifier.robustness import robustness_table
from gantune.trainables.device import pick_device
from gantune.trainables.metrics.backends import get_backend
from gantune.trainables.metrics.feature_training import RECIPES
from gantune.trainables.nets.classifier import CLASSIFIER_NETS

# The report classifiers with the epochs that reach their reported accuracy here.
REPORT_EPOCHS = {"dense": 10, "cnn2": 3}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "classifier",
        epilog="example:\n  gantune classifier table",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="Fashion-MNIST classifiers and FGSM",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    fit = actions.add_parser(
        "train",
        epilog="example:\n  gantune classifier train cnn2 --epochs 3 -o cnn2.pt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="train a classifier and print its test accuracy",
    )
    fit.add_argument("net", help=f"one of: {', '.join(CLASSIFIER_NETS.names())}")
    fit.add_argument("--epochs", type=int, default=10)
    fit.add_argument("--lr", type=float, default=1e-3)
    fit.add_argument("--batch-size", type=int, default=128)
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--dataset", default="fashion-mnist")
    fit.add_argument("-o", "--output", type=Path, help="save the trained model here")
    fit.set_defaults(run=run_train)

    fgsm = actions.add_parser(
        "fgsm",
        epilog="example:\n  gantune classifier fgsm cnn2.pt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="FGSM accuracy table of a saved classifier",
    )
    fgsm.add_argument("model", type=Path, help="a file written by `classifier train -o`")
    fgsm.add_argument("--epsilons", default="0,0.05,0.1,0.25")
    fgsm.set_defaults(run=run_fgsm)

    table = actions.add_parser(
        "table",
        epilog="example:\n  gantune classifier table",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="train the report classifiers; print accuracies and FGSM tables",
    )
    table.add_argument("--epsilons", default="0,0.05,0.1,0.25")
    table.set_defaults(run=run_table)


def run_train(args: argparse.Namespace) -> int:
    fit_config = FitConfig(args.epochs, args.batch_size, args.lr, seed=args.seed)
    config = ClassifierConfig(net=args.net, dataset=args.dataset, fit=fit_config)
    model, test_accuracy = train(config, pick_device(), log=print)
    print(f"{args.net} on {args.dataset}: test accuracy {test_accuracy:.4f}")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        saved = {"net": args.net, "dataset": args.dataset, "state": model.state_dict()}
        torch.save(saved, args.output)
        print(f"saved {args.output}")
    return 0


def load_model(path: Path):
    saved = torch.load(path, map_location="cpu", weights_only=True)
    images, labels = data.load(saved["dataset"], "test")
    ids, names = data.classes(saved["dataset"], labels)
    model = build(saved["net"], images, len(names))
    model.load_state_dict(saved["state"])
    return model.eval(), images, ids


def epsilons(text: str) -> list[float]:
    return [float(value) for value in text.split(",")]


def run_fgsm(args: argparse.Namespace) -> int:
    model, images, targets = load_model(args.model)
    print(
        robustness_table(model, images, targets, epsilons(args.epsilons)).to_string(
            float_format="%.4f"
        )
    )
    return 0


def run_table(args: argparse.Namespace) -> int:
    device = pick_device()
    images, labels = data.load("fashion-mnist", "test")
    rows, tables = [], {}
    for net, epochs in REPORT_EPOCHS.items():
        config = ClassifierConfig(net=net, fit=FitConfig(epochs=epochs))
        model, test_accuracy = train(config, device)
        rows.append((net, test_accuracy))
        tables[net] = robustness_table(model.cpu(), images, labels, epsilons(args.epsilons))
    for name, recipe in RECIPES.items():
        _, train_labels = data.load(recipe.dataset, "train", **recipe.options)
        test_images, test_labels = data.load(recipe.dataset, "test", **recipe.options)
        trained = recipe.targets(train_labels, recipe.options, None)
        targets = recipe.targets(test_labels, recipe.options, trained)
        model = get_backend(name).model(torch.device("cpu"))
        found = accuracy(model, test_images, targets.values, targets.heads or None)
        rows.append((f"{name} (committed FID feature net)", found))
    print("test accuracy")
    for name, value in rows:
        print(f"  {name:<46} {value:.4f}")
    for net, table in tables.items():
        print(f"\nFGSM accuracy of {net} (nonzero: item pixels only; plain: every pixel)")
        print(table.to_string(float_format="%.4f"))
    return 0
