#pragma once
// The layer × module-kind grid of the Adapter page: one row per transformer block, one column per kind of
// adaptable module inside a block (lora::moduleKind: "self_attn.q_proj", "attn.c_attn", ...), a checkbox per
// module; modules outside the blocks (lm_head, a pooler) get a row each below. A cell can carry its own rank.
// Cells are tinted when the current configuration really adapts them (ticked, or matched by a regex).
#include "lora/model.h"

#include <QTableWidget>

#include <map>
#include <set>
#include <string>
#include <vector>

class TargetGrid final : public QTableWidget {
    Q_OBJECT
public:
    static constexpr int NameRole = Qt::UserRole + 1;   // QString: the module's full HF name
    static constexpr int LabelRole = Qt::UserRole + 3;  // QString: fixed text before the rank (outside rows)

    explicit TargetGrid(QWidget* parent = nullptr);

    void setModules(const lora::ModelDescription& model);
    void clearModules();

    std::vector<std::string> tickedModules() const;  // in model order
    void setTicked(const std::set<std::string>& names);  // everything else is unticked
    std::map<std::string, int> rankOverrides() const;
    void setRankOverride(const std::string& name, int rank);  // rank 0 clears it

    // What the configuration really adapts, name -> rank: tints those cells and writes their rank in them.
    void showEffective(const std::map<std::string, int>& adaptedRanks);

    // While an expert regex decides the targets, ticks are frozen (cells stay selectable for the picture).
    void setTicksEnabled(bool enabled);
    bool ticksEnabled() const { return ticksEnabled_; }

    QString currentModule() const;
    bool selectModule(const QString& name);
    QTableWidgetItem* itemForModule(const QString& name) const;
    QStringList columnKinds() const { return kinds_; }
    int blockRows() const { return blockRows_; }

Q_SIGNALS:
    void targetsEdited();  // a tick or a cell's rank changed (by the user or through the setters)
    void currentModuleChanged(const QString& name);

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void onItemChanged(QTableWidgetItem* item);
    void toggle(const QList<QTableWidgetItem*>& items);
    QList<QTableWidgetItem*> rowItems(int row) const;
    QList<QTableWidgetItem*> columnItems(int column) const;

    std::vector<std::string> order_;  // adaptable modules in model order
    std::map<QString, QTableWidgetItem*> items_;
    QStringList kinds_;
    int blockRows_ = 0;
    bool ticksEnabled_ = true;
    bool updating_ = false;  // programmatic changes do not count as edits
};
