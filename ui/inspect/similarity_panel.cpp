#include "inspect/similarity_panel.h"

#include "inspect/matrix_heatmap.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

SimilarityPanel::SimilarityPanel(QWidget* parent)
    : QWidget(parent), choose_(new QPushButton(tr("Compare with…"))), module_(new QComboBox), status_(new QLabel),
      phi_(new MatrixHeatmap("phiHeatmap"))
{
    choose_->setToolTip(tr("Pick a second PEFT adapter folder for the same base model (another rank, seed or "
                           "dataset) and compare the directions both learned."));
    module_->setObjectName("similarityModule");
    module_->setToolTip(tr("The module whose A matrices are compared (the modules both adapters adapt)."));
    module_->setMinimumContentsLength(24);
    status_->setWordWrap(true);
    phi_->setToolTip(tr("<b>φ(A₁, A₂, i, j) = ‖U₁ᵢᵀ U₂ⱼ‖²_F / min(i, j)</b> (LoRA paper, §7), U the right-singular "
                        "vectors of each adapter's A. Row i, column j: how much of the first adapter's top-i "
                        "directions lie in the second's top-j. 1 = the same subspace, 0 = orthogonal. The paper "
                        "found the top directions of r = 8 and r = 64 overlap strongly: a small r already holds "
                        "what matters."));
    auto* row = new QHBoxLayout;
    row->addWidget(choose_);
    row->addWidget(new QLabel(tr("Module:")));
    row->addWidget(module_, 1);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addLayout(row);
    column->addWidget(status_);
    column->addWidget(phi_, 1);
    status_->setText(tr("Open an adapter above, then compare it with another."));
    connect(choose_, &QPushButton::clicked, this, &SimilarityPanel::chooseSecondAdapter);
    connect(module_, &QComboBox::currentTextChanged, this, [this](const QString&) { start(); });
    connect(&watcher_, &QFutureWatcher<SimilarityOutcome>::finished, this, &SimilarityPanel::onFinished);
}

void SimilarityPanel::setModel(std::shared_ptr<lora::Model> model) { model_ = std::move(model); }

void SimilarityPanel::setFirstAdapter(const QString& folder)
{
    first_ = folder;
    if (second_.isEmpty())
        status_->setText(tr("Compare with… picks a second adapter of the same base model (another rank, seed or "
                            "dataset) and shows how far the two learned the same directions."));
    start();
}

void SimilarityPanel::chooseSecondAdapter()
{
    QSettings settings;
    const QString start = settings.value("inspect/secondAdapter", QDir::homePath()).toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Second PEFT adapter folder"), start);
    if (folder.isEmpty())
        return;
    settings.setValue("inspect/secondAdapter", folder);
    compareWith(folder);
}

void SimilarityPanel::compareWith(const QString& secondFolder)
{
    second_ = secondFolder;
    start();
}

void SimilarityPanel::setModule(const QString& module) { module_->setCurrentText(module); }

void SimilarityPanel::start()
{
    if (first_.isEmpty() || second_.isEmpty() || !model_)
        return;
    if (watcher_.isRunning()) {  // the newest request wins: run it when this one ends
        connect(&watcher_, &QFutureWatcher<SimilarityOutcome>::finished, this, &SimilarityPanel::start,
                Qt::SingleShotConnection);
        return;
    }
    status_->setText(tr("Comparing %1 with %2…").arg(QFileInfo(first_).fileName(), QFileInfo(second_).fileName()));
    watcher_.setFuture(QtConcurrent::run(computeSimilarity, model_, first_, second_, module_->currentText()));
}

void SimilarityPanel::onFinished()
{
    last_ = watcher_.result();
    if (!last_.error.isEmpty()) {
        status_->setText(last_.error.toHtmlEscaped());
        phi_->clear();
        Q_EMIT similarityReady();
        return;
    }
    {
        const QSignalBlocker block(module_);
        module_->clear();
        module_->addItems(last_.commonModules);
        module_->setCurrentText(QString::fromStdString(last_.phi.module));
    }
    const auto& p = last_.phi;
    phi_->setMatrix(p.rows, p.cols, p.values, MatrixHeatmap::Range::UnitInterval,
                    tr("φ on %1").arg(QString::fromStdString(p.module)), tr("i (top directions of the first)"),
                    tr("j (top directions of the second)"), 1);
    status_->setText(tr("First: %1 — second: %2").arg(QDir::toNativeSeparators(first_), QDir::toNativeSeparators(second_)));
    Q_EMIT similarityReady();
}
