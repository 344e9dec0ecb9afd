#include "inspect/delta_weight_panel.h"

#include "inspect/matrix_heatmap.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace {

std::vector<double> asDoubles(const lora::FloatArray& a) { return {a.values.begin(), a.values.end()}; }

QString titleOf(const QString& name, const lora::FloatArray& shown, const std::vector<int64_t>& full)
{
    if (shown.shape == full)
        return QObject::tr("%1  (%2 × %3)").arg(name).arg(full[0]).arg(full[1]);
    return QObject::tr("%1  (%2 × %3, averaged to %4 × %5)")
        .arg(name).arg(full[0]).arg(full[1]).arg(shown.shape[0]).arg(shown.shape[1]);
}

}  // namespace

DeltaWeightPanel::DeltaWeightPanel(QWidget* parent)
    : QWidget(parent), weight_(new MatrixHeatmap("weightHeatmap")), delta_(new MatrixHeatmap("deltaHeatmap")),
      explanation_(new QLabel)
{
    weight_->setToolTip(tr("<b>W</b>: the frozen base weight of this module (rows = outputs, columns = inputs). "
                           "LoRA never changes it."));
    delta_->setToolTip(tr("<b>ΔW = s·B·A</b>: what the adapter adds to W. Its colour scale is its own, so the "
                          "pattern shows even when ΔW is tiny next to W."));
    explanation_->setObjectName("rankExplanation");
    explanation_->setWordWrap(true);
    explanation_->setTextFormat(Qt::RichText);
    auto* maps = new QHBoxLayout;
    maps->addWidget(weight_);
    maps->addWidget(delta_);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addLayout(maps, 1);
    column->addWidget(explanation_);
    clear();
}

void DeltaWeightPanel::clear()
{
    weight_->clear();
    delta_->clear();
    explanation_->setText(tr("Click a cell of the heatmap to see that module's W and ΔW."));
}

QString DeltaWeightPanel::explanation() const { return explanation_->text(); }

void DeltaWeightPanel::showMatrices(const MatricesOutcome& o)
{
    if (!o.error.isEmpty()) {
        clear();
        explanation_->setText(o.error.toHtmlEscaped());
        return;
    }
    const auto& m = o.matrices;
    weight_->setMatrix(int(m.weight.shape[0]), int(m.weight.shape[1]), asDoubles(m.weight),
                       MatrixHeatmap::Range::SymmetricAroundZero, titleOf(tr("W"), m.weight, m.fullShape),
                       tr("output"), tr("input"));
    delta_->setMatrix(int(m.delta.shape[0]), int(m.delta.shape[1]), asDoubles(m.delta),
                      MatrixHeatmap::Range::SymmetricAroundZero, titleOf(tr("ΔW = s·B·A"), m.delta, m.fullShape),
                      tr("output"), tr("input"));
    const QLocale locale;
    const qint64 out = m.fullShape[0], in = m.fullShape[1];
    explanation_->setText(
        tr("<b>Why ΔW looks striped:</b> ΔW is %1 × %2 = %3 numbers, but LoRA stores it as B (%1 × %4) times A "
           "(%4 × %2): only %5 numbers. Every row of ΔW is a mix of the same %4 rows of A, and every column a mix "
           "of the same %4 columns of B, so ΔW has rank at most %4 — its patterns repeat across rows and columns, "
           "unlike W's.")
            .arg(locale.toString(out), locale.toString(in), locale.toString(out * in))
            .arg(o.rank)
            .arg(locale.toString(qint64(o.rank) * (out + in))));
}
