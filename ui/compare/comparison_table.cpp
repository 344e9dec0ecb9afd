#include "compare/comparison_table.h"

#include <QHeaderView>
#include <QLocale>
#include <QTableWidget>

#include <optional>

namespace {

struct Row {
    QString what;
    QString tip;
    std::optional<double> lora, full;
    int decimals;
    bool ratio;  // LoRA ÷ full is meaningful (costs), not for losses
    bool sign = false;  // a change: + or − shown
};

QString shown(const std::optional<double>& v, int decimals, bool sign)
{
    if (!v)
        return QStringLiteral("—");
    const QString text = decimals < 0 ? QLocale().toString(qint64(*v)) : QLocale().toString(*v, 'f', decimals);
    return sign && *v > 0 ? QStringLiteral("+") + text : text;
}

}  // namespace

void fillComparisonTable(QTableWidget* table, const lora::FullComparison& c)
{
    const auto& l = c.lora;
    const auto& f = c.full;
    const auto count = [](int64_t n, const lora::ComparisonSide& s) {
        return s.exitCode == 0 ? std::optional<double>(double(n)) : std::nullopt;
    };
    const auto ok = [](double v, const lora::ComparisonSide& s) {
        return s.exitCode == 0 ? std::optional<double>(v) : std::nullopt;
    };
    std::vector<Row> rows = {
        {QObject::tr("Trainable parameters"), QObject::tr("What the optimizer updates: LoRA trains only A and B"),
         count(l.trainableParameters, l), count(f.trainableParameters, f), -1, true},
        {QObject::tr("Peak memory (MiB)"),
         QObject::tr("The training process's peak resident memory: weights, gradients, optimizer state, activations"),
         ok(l.peakMemoryMiB, l), ok(f.peakMemoryMiB, f), 1, true},
        {QObject::tr("Seconds per step"), QObject::tr("Training time over the steps (evaluations included)"),
         ok(l.secondsPerStep, l), ok(f.secondsPerStep, f), 3, true},
        {QObject::tr("Final training loss"), {}, l.finalTrainLoss, f.finalTrainLoss, 4, false},
        {QObject::tr("Best validation loss"), QObject::tr("Lower is better: how well each fits held-out data"),
         l.bestValLoss, f.bestValLoss, 4, false},
    };
    if (!c.forgettingCorpus.empty()) {
        rows.push_back({QObject::tr("Corpus loss before"),
                        QObject::tr("The base model's loss on %1").arg(QString::fromStdString(c.forgettingCorpus.string())),
                        c.corpusLossBefore, c.corpusLossBefore, 4, false});
        rows.push_back({QObject::tr("Corpus loss after"), QObject::tr("The same text after fine-tuning"),
                        l.corpusLossAfter, f.corpusLossAfter, 4, false});
        rows.push_back({QObject::tr("Forgetting"),
                        QObject::tr("After − before: how much worse each predicts text the base model knew. LoRA "
                                    "leaves the base weights as they were, so it usually forgets less"),
                        lora::forgetting(c, l), lora::forgetting(c, f), 4, false, true});
    }
    table->clear();
    table->setColumnCount(3);
    table->setRowCount(int(rows.size()));
    table->setHorizontalHeaderLabels({QObject::tr("LoRA"), QObject::tr("Full fine-tuning"), QObject::tr("LoRA ÷ full")});
    for (int i = 0; i < int(rows.size()); ++i) {
        const auto& r = rows[size_t(i)];
        auto* header = new QTableWidgetItem(r.what);
        header->setToolTip(r.tip);
        table->setVerticalHeaderItem(i, header);
        const QString ratio = r.ratio && r.lora && r.full && *r.full != 0
                                  ? QLocale().toString(100.0 * *r.lora / *r.full, 'f', 1) + QStringLiteral(" %")
                                  : QString();
        const QStringList cells = {shown(r.lora, r.decimals, r.sign), shown(r.full, r.decimals, r.sign), ratio};
        for (int col = 0; col < 3; ++col) {
            auto* item = new QTableWidgetItem(cells[col]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(r.tip);
            table->setItem(i, col, item);
        }
    }
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
}
