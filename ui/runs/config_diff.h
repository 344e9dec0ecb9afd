#pragma once
// The configs of the selected runs side by side: one row per setting (nested JSON keys flattened to
// "lora.r"), one column per run; rows whose values differ are highlighted and listed first.
#include "lora/run_store.h"

#include <QTableWidget>

#include <vector>

class ConfigDiff final : public QTableWidget {
    Q_OBJECT
public:
    explicit ConfigDiff(QWidget* parent = nullptr);
    void setRuns(const std::vector<lora::RunRecord>& runs);
    QStringList differingKeys() const { return differing_; }
    static bool isHighlighted(const QTableWidgetItem* item);

private:
    QStringList differing_;
};
