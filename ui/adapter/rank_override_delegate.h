#pragma once
// Edits a grid cell's own LoRA rank in place (double-click or F2): a spin box whose lowest value means
// "use the page's default rank".
#include <QStyledItemDelegate>

class RankOverrideDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    static constexpr int RankRole = Qt::UserRole + 2;  // int: the cell's own rank, 0 = the default r
    static constexpr int kMaxRank = 4096;

    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void setEditorData(QWidget* editor, const QModelIndex& index) const override;
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override;
};
