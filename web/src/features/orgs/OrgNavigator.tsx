import { ApartmentOutlined, SearchOutlined, TeamOutlined } from '@ant-design/icons';
import { AutoComplete, Empty, Input, Spin, Tree, type TreeDataNode } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useMatch, useNavigate } from 'react-router-dom';
import type { OrgListItem } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { OrgHitLabel } from './OrgHitLabel.js';
import { rootKey, useOrgTree, type Branch } from './treeStore.js';
import { useOrgSearch } from './useOrgSearch.js';

const moreKeyPrefix = 'more:';
const hitValuePrefix = 'org:';

type Props = { onNavigate?: () => void };

/** The left-hand navigator: a server-side search above a lazily loaded tree of the actor's scope. */
export function OrgNavigator({ onNavigate }: Props) {
  const t = useT();
  const navigate = useNavigate();
  const tree = useOrgTree();
  const match = useMatch('/orgs/:id');
  // On a ledger page the tree moves between ledgers (keeping the tab), elsewhere it opens org pages.
  const ledgerMatch = useMatch('/ledger/:orgId');
  const location = useLocation();
  const current = match?.params.id ?? ledgerMatch?.params.orgId;
  const selectedId = current ? Number(current) : null;
  const { hits, searching, query, search } = useOrgSearch();
  const [text, setText] = useState('');
  const scroller = useRef<HTMLDivElement>(null);
  const { loadRoots, rootsLoaded, revealCount } = tree;

  useEffect(() => {
    loadRoots().catch(() => undefined);
  }, [loadRoots]);

  // After a reveal (search pick, link, page load) bring the selected node into view, once.
  useEffect(() => {
    if (revealCount === 0) return;
    const frame = requestAnimationFrame(() => {
      scroller.current?.querySelector('.ant-tree-treenode-selected')?.scrollIntoView({ block: 'nearest' });
    });
    return () => cancelAnimationFrame(frame);
  }, [revealCount]);

  const go = (id: number) => {
    void navigate(ledgerMatch ? `/ledger/${id}${location.search}` : `/orgs/${id}`);
    onNavigate?.();
  };

  const treeData = useMemo(() => buildNodes(tree.branches, rootKey, t('tree.more', { n: '{n}' })), [tree.branches, t]);
  const loadedKeys = useMemo(
    () => Array.from(tree.branches.keys()).filter((key): key is number => key !== rootKey),
    [tree.branches],
  );

  const options = hits.map((hit) => ({ value: `${hitValuePrefix}${hit.id}`, label: <OrgHitLabel hit={hit} />, hit }));

  return (
    <div className="tj-navigator">
      <div className="tj-navigator-search">
        <AutoComplete
          value={text}
          options={options}
          style={{ width: '100%' }}
          popupMatchSelectWidth={320}
          onSearch={search}
          onChange={(value: string) => {
            // Picking an option reports its value here; the input keeps the org name set in onSelect instead.
            if (!value.startsWith(hitValuePrefix)) setText(value);
          }}
          onSelect={(_value: string, option: (typeof options)[number]) => {
            // A jump, not a filter: the box empties for the next search once the tree shows the pick.
            setText('');
            search('');
            go(option.hit.id);
          }}
          notFoundContent={searching ? <Spin size="small" /> : query ? t('tree.noMatch') : null}
        >
          <Input
            data-testid="org-search"
            allowClear
            prefix={<SearchOutlined style={{ color: 'rgba(0,0,0,.35)' }} />}
            placeholder={t('tree.search')}
          />
        </AutoComplete>
      </div>
      <div className="tj-navigator-tree" ref={scroller}>
        {!rootsLoaded ? (
          <div className="tj-center-block">
            <Spin />
          </div>
        ) : treeData.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tree.empty')} />
        ) : (
          <Tree
            data-testid="org-tree"
            blockNode
            showIcon
            treeData={treeData}
            expandedKeys={tree.expanded}
            loadedKeys={loadedKeys}
            selectedKeys={selectedId ? [selectedId] : []}
            onExpand={(keys) => tree.setExpanded(keys.filter((k): k is number => typeof k === 'number'))}
            loadData={async (node) => {
              if (typeof node.key === 'number') await tree.loadChildren(node.key);
            }}
            onSelect={(_keys, info) => {
              const key = info.node.key;
              if (typeof key === 'number') go(key);
              else if (String(key).startsWith(moreKeyPrefix)) {
                const parent = String(key).slice(moreKeyPrefix.length);
                void tree.loadMore(parent === rootKey ? rootKey : Number(parent));
              }
            }}
          />
        )}
      </div>
    </div>
  );
}

function buildNodes(
  branches: ReadonlyMap<number | typeof rootKey, Branch>,
  parent: number | typeof rootKey,
  moreLabel: string,
): TreeDataNode[] {
  const branch = branches.get(parent);
  if (!branch) return [];
  const nodes: TreeDataNode[] = branch.items.map((org) => orgNode(org, branches, moreLabel));
  const left = branch.total - branch.items.length;
  if (left > 0) {
    nodes.push({
      key: `${moreKeyPrefix}${parent}`,
      isLeaf: true,
      title: <span className="tj-tree-more">{moreLabel.replace('{n}', String(left))}</span>,
    });
  }
  return nodes;
}

function orgNode(
  org: OrgListItem,
  branches: ReadonlyMap<number | typeof rootKey, Branch>,
  moreLabel: string,
): TreeDataNode {
  const loaded = branches.get(org.id);
  const hasChildren = loaded ? loaded.items.length > 0 : org.counts.children > 0;
  const isBranch = org.type === 'branch' || org.type === 'joint_branch';
  return {
    key: org.id,
    isLeaf: !hasChildren,
    icon: isBranch ? <TeamOutlined /> : <ApartmentOutlined />,
    title: (
      <span className="tj-tree-title" title={org.name}>
        <span className="tj-tree-name">{org.name}</span>
        {org.counts.children > 0 && <span className="tj-tree-count">{org.counts.children}</span>}
      </span>
    ),
    children: loaded ? buildNodes(branches, org.id, moreLabel) : undefined,
  };
}
