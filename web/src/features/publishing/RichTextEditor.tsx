import {
  BoldOutlined,
  ItalicOutlined,
  LinkOutlined,
  OrderedListOutlined,
  PictureOutlined,
  RedoOutlined,
  StrikethroughOutlined,
  UnderlineOutlined,
  UndoOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import Image from '@tiptap/extension-image';
import { NodeSelection, TextSelection } from '@tiptap/pm/state';
import { EditorContent, useEditor, useEditorState, type CommandProps, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { App, Button, Divider, Form, Input, Modal, Tooltip } from 'antd';
import { useRef, useState, type ReactNode } from 'react';
import { useT } from '../../app/i18n.js';
import { bulletinApi } from './api.js';
import { imageAccept, imageTooLarge } from './images.js';

type Props = {
  /** The org the bulletin belongs to: its images are uploaded under it. */
  orgId: number;
  /** HTML; read once when the editor mounts (mount it after the bulletin has loaded). */
  value?: string;
  onChange?: (html: string) => void;
  id?: string;
};

/**
 * The article body: TipTap (StarterKit + Image) under an antd toolbar. Images are uploaded first and inserted by
 * their stored address (/news/images/<sha256>), which is what the server accepts and the news pages serve.
 */
export function RichTextEditor({ orgId, value, onChange, id }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const changeRef = useRef(onChange);
  changeRef.current = onChange;
  const [uploading, setUploading] = useState(false);

  const upload = async (editor: Editor, file: File) => {
    if (!file.type.startsWith('image/')) return void message.error(t('pub.image.notImage'));
    if (imageTooLarge(file)) return void message.error(t('pub.image.tooLarge'));
    setUploading(true);
    try {
      const { url } = await bulletinApi.uploadImage(orgId, file);
      editor.chain().focus().setImage({ src: url, alt: '' }).command(caretBelowImage).run();
    } catch {
      // The API client has shown why.
    } finally {
      setUploading(false);
    }
  };
  const uploadRef = useRef(upload);
  uploadRef.current = upload;

  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        codeBlock: false,
        code: false,
        link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
      }),
      Image.configure({ inline: false, allowBase64: false }),
    ],
    content: value ?? '',
    onUpdate: ({ editor: e }) => changeRef.current?.(e.isEmpty ? '' : e.getHTML()),
    editorProps: {
      attributes: { class: 'tj-article tj-editor-body', 'aria-label': t('pub.editor.body'), role: 'textbox' },
      // A pasted or dropped picture is uploaded like one chosen with the button, never kept inline as data:.
      handlePaste: (_view, event) => {
        const file = Array.from(event.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
        if (!file || !editorRef.current) return false;
        void uploadRef.current(editorRef.current, file);
        return true;
      },
      handleDrop: (_view, event) => {
        const file = Array.from(event.dataTransfer?.files ?? []).find((f) => f.type.startsWith('image/'));
        if (!file || !editorRef.current) return false;
        void uploadRef.current(editorRef.current, file);
        return true;
      },
    },
  });
  const editorRef = useRef<Editor | null>(null);
  editorRef.current = editor;

  return (
    <div className="tj-editor" id={id} data-testid="bulletin-editor">
      <Toolbar editor={editor} uploading={uploading} onImage={(file) => void upload(editor, file)} />
      <EditorContent editor={editor} />
    </div>
  );
}

/**
 * A picture just inserted is left selected, so the next key typed would replace it. The caret goes on below it
 * instead, in the paragraph that follows or in a new one.
 */
function caretBelowImage({ tr }: CommandProps): boolean {
  const { selection } = tr;
  if (!(selection instanceof NodeSelection) || selection.node.type.name !== 'image') return true;
  const after = selection.to;
  if (!tr.doc.resolve(after).nodeAfter?.isTextblock) tr.insert(after, tr.doc.type.schema.nodes.paragraph.create());
  tr.setSelection(TextSelection.create(tr.doc, after + 1));
  return true;
}

function Toolbar({
  editor,
  uploading,
  onImage,
}: {
  editor: Editor;
  uploading: boolean;
  onImage: (file: File) => void;
}) {
  const t = useT();
  const fileInput = useRef<HTMLInputElement>(null);
  const [linking, setLinking] = useState<string | null>(null);
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      underline: e.isActive('underline'),
      strike: e.isActive('strike'),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      quote: e.isActive('blockquote'),
      link: e.isActive('link'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const chain = () => editor.chain().focus();

  return (
    <div className="tj-editor-toolbar" role="toolbar" aria-label={t('pub.editor.toolbar')}>
      <Tool
        label={t('pub.editor.undo')}
        icon={<UndoOutlined />}
        disabled={!state.canUndo}
        onClick={() => chain().undo().run()}
      />
      <Tool
        label={t('pub.editor.redo')}
        icon={<RedoOutlined />}
        disabled={!state.canRedo}
        onClick={() => chain().redo().run()}
      />
      <Divider orientation="vertical" />
      <Tool
        label={t('pub.editor.h2')}
        text="H2"
        active={state.h2}
        onClick={() => chain().toggleHeading({ level: 2 }).run()}
      />
      <Tool
        label={t('pub.editor.h3')}
        text="H3"
        active={state.h3}
        onClick={() => chain().toggleHeading({ level: 3 }).run()}
      />
      <Divider orientation="vertical" />
      <Tool
        label={t('pub.editor.bold')}
        icon={<BoldOutlined />}
        active={state.bold}
        onClick={() => chain().toggleBold().run()}
      />
      <Tool
        label={t('pub.editor.italic')}
        icon={<ItalicOutlined />}
        active={state.italic}
        onClick={() => chain().toggleItalic().run()}
      />
      <Tool
        label={t('pub.editor.underline')}
        icon={<UnderlineOutlined />}
        active={state.underline}
        onClick={() => chain().toggleUnderline().run()}
      />
      <Tool
        label={t('pub.editor.strike')}
        icon={<StrikethroughOutlined />}
        active={state.strike}
        onClick={() => chain().toggleStrike().run()}
      />
      <Divider orientation="vertical" />
      <Tool
        label={t('pub.editor.bulletList')}
        icon={<UnorderedListOutlined />}
        active={state.bullet}
        onClick={() => chain().toggleBulletList().run()}
      />
      <Tool
        label={t('pub.editor.orderedList')}
        icon={<OrderedListOutlined />}
        active={state.ordered}
        onClick={() => chain().toggleOrderedList().run()}
      />
      <Tool
        label={t('pub.editor.quote')}
        text="❝"
        active={state.quote}
        onClick={() => chain().toggleBlockquote().run()}
      />
      <Divider orientation="vertical" />
      <Tool
        label={t('pub.editor.link')}
        icon={<LinkOutlined />}
        active={state.link}
        onClick={() => setLinking((editor.getAttributes('link').href as string | undefined) ?? '')}
      />
      <Tool
        label={t('pub.editor.image')}
        icon={<PictureOutlined />}
        loading={uploading}
        onClick={() => fileInput.current?.click()}
      />
      <input
        ref={fileInput}
        type="file"
        accept={imageAccept}
        style={{ display: 'none' }}
        aria-label={t('pub.editor.imageFile')}
        data-testid="editor-image-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) onImage(file);
        }}
      />
      {linking !== null && (
        <LinkModal
          initial={linking}
          onCancel={() => setLinking(null)}
          onSave={(href) => {
            setLinking(null);
            if (href) chain().extendMarkRange('link').setLink({ href }).run();
            else chain().extendMarkRange('link').unsetLink().run();
          }}
        />
      )}
    </div>
  );
}

type ToolProps = {
  label: string;
  icon?: ReactNode;
  text?: string;
  active?: boolean;
  disabled?: boolean;
  loading?: boolean;
  onClick: () => void;
};

function Tool({ label, icon, text, active, disabled, loading, onClick }: ToolProps) {
  return (
    <Tooltip title={label} mouseEnterDelay={0.4}>
      <Button
        type={active ? 'primary' : 'text'}
        ghost={active}
        size="small"
        icon={icon}
        aria-label={label}
        aria-pressed={active}
        disabled={disabled}
        loading={loading}
        onMouseDown={(event) => event.preventDefault()}
        onClick={onClick}
        className="tj-editor-tool"
      >
        {text}
      </Button>
    </Tooltip>
  );
}

function LinkModal({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave: (href: string) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const [form] = Form.useForm<{ href: string }>();
  return (
    <Modal
      open
      title={t('pub.editor.linkTitle')}
      okText={t('common.ok')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      width={480}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ href: initial }}
        onFinish={(values) => onSave(values.href.trim())}
      >
        <Form.Item
          name="href"
          label={t('pub.editor.linkUrl')}
          extra={t('pub.editor.linkHelp')}
          rules={[
            {
              validator: (_rule, v: string | undefined) =>
                !v?.trim() || /^(https?:\/\/|mailto:|\/news\/)\S+$/i.test(v.trim())
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('pub.editor.linkInvalid'))),
            },
          ]}
        >
          <Input placeholder="https://" autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
