import { EditOutlined } from '@ant-design/icons';
import { Button, type TableColumnType } from 'antd';
import type { Translate } from '../../app/i18n.js';

/** 操作: an 编辑 link on the rows the server says the actor may update. */
export function editColumn<T extends { abilities: { update: boolean } }>(
  t: Translate,
  onEdit: (row: T) => void,
): TableColumnType<T> {
  return {
    title: t('common.actions'),
    key: 'actions',
    render: (_v, row) =>
      row.abilities.update && (
        <Button type="link" size="small" icon={<EditOutlined />} onClick={() => onEdit(row)}>
          {t('common.edit')}
        </Button>
      ),
  };
}
